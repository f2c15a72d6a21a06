/**
 * Time and randomness as injected dependencies of the control plane, so tests can drive renewal,
 * backoff and reporting deterministically. Deadlines of gRPC calls stay on the real clock (the
 * network does not follow a test clock).
 */

/** A scheduled callback; `cancel` is idempotent. */
export interface TimerHandle {
  cancel(): void;
}

/** The control plane's view of time. */
export interface Clock {
  now(): Date;
  /** Runs `fn` once after `ms` (negative = 0). Timers never keep the process alive. */
  setTimer(fn: () => void, ms: number): TimerHandle;
}

/** A uniform random number in [0, 1). */
export type UniformRandom = () => number;

/** The system clock with unref'd timers. */
export const systemClock: Clock = Object.freeze({
  now: () => new Date(),
  setTimer(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, Math.max(0, Math.min(ms, MAX_TIMER_MS)));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
});

/** setTimeout overflows above 2^31-1 ms (~24.8 days) and fires at once; clamp instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;
