/**
 * Test clock: `now()` stands still at the real time of construction until the test moves it with
 * `advance`, and timers fire only when the test advances past them (or calls `fireNext`). Lets a
 * test jump to a renewal point without waiting, with exact delays, while the signer (on the real
 * clock) still accepts the certificate. Imported from spec/e2e files only.
 */
import type { Clock, TimerHandle } from '../clock';

interface Pending {
  at: number;
  fn: () => void;
  id: number;
}

/** A manually driven {@link Clock}. */
export class ManualClock implements Clock {
  private readonly start = Date.now();
  private offset = 0;
  private seq = 0;
  private pending: Pending[] = [];

  now(): Date {
    return new Date(this.start + this.offset);
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const p = { at: this.now().getTime() + Math.max(0, ms), fn, id: ++this.seq };
    this.pending.push(p);
    return { cancel: () => (this.pending = this.pending.filter((x) => x !== p)) };
  }

  /** Delays (ms from now) of the pending timers, soonest first. */
  delays(): number[] {
    const now = this.now().getTime();
    return this.pending.map((p) => p.at - now).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms` and runs the timers that became due, in order. */
  advance(ms: number): void {
    this.offset += ms;
    const now = this.now().getTime();
    const due = this.pending.filter((p) => p.at <= now).sort((a, b) => a.at - b.at || a.id - b.id);
    this.pending = this.pending.filter((p) => p.at > now);
    for (const p of due) p.fn();
  }

  /** Jumps to the soonest timer and runs it; returns the jump in ms (`undefined` when none). */
  fireNext(): number | undefined {
    const d = this.delays()[0];
    if (d === undefined) return undefined;
    this.advance(Math.max(0, d));
    return d;
  }
}
