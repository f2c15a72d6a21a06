import type { Store } from '@trustmesh/store';
import { readSnapshot, type CaSnapshot } from './ca-snapshot';
import type { IssuerPool } from './issuer-pool';

/**
 * Keeps the signer's view of the CAs current: polls the store every `pollIntervalMs` (so a CLI in
 * another process that rotates CAs is noticed), resyncs the issuer pool, and tells listeners
 * when the snapshot's fingerprint changes. A failed poll keeps the last good snapshot and is
 * logged; polls never overlap.
 */
export class CaWatcher {
  private current: CaSnapshot;
  private readonly listeners = new Set<(s: CaSnapshot) => void>();
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private failures = 0;

  private constructor(
    private readonly store: Store,
    private readonly pool: IssuerPool,
    private readonly log: (line: string) => void,
    first: CaSnapshot,
  ) {
    this.current = first;
  }

  /** Reads the first snapshot and loads its issuers; rejects if either fails (startup is fatal). */
  static async create(store: Store, pool: IssuerPool, log: (line: string) => void): Promise<CaWatcher> {
    const first = await readSnapshot(store);
    await pool.sync(first.intermediates);
    return new CaWatcher(store, pool, log, first);
  }

  get snapshot(): CaSnapshot {
    return this.current;
  }

  /** True while the last poll succeeded. */
  get healthy(): boolean {
    return this.failures === 0;
  }

  /** Starts polling (the timer does not keep the process alive). */
  start(pollIntervalMs: number): void {
    this.timer ??= setInterval(() => void this.poll(), pollIntervalMs);
    this.timer.unref();
  }

  /** Registers `fn` for snapshot changes; returns the unsubscribe function. */
  subscribe(fn: (s: CaSnapshot) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** One poll now (also used by tests to avoid waiting for the timer). */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  /** Stops polling and waits for a poll in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
    await this.polling;
  }

  private async pollOnce(): Promise<void> {
    try {
      const next = await readSnapshot(this.store);
      if (next.fingerprint !== this.current.fingerprint) {
        await this.pool.sync(next.intermediates);
        this.current = next;
        for (const fn of this.listeners) fn(next);
      }
      this.failures = 0;
    } catch (err) {
      this.failures++;
      // Log the first failure of a streak and then every 60th, so a long outage does not flood.
      if (this.failures === 1 || this.failures % 60 === 0) {
        const e = err as { code?: string; message?: string };
        this.log(`CA poll failed (${this.failures}x): ${e?.code ?? ''} ${e?.message ?? String(err)}`);
      }
    }
  }
}
