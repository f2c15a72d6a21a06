/**
 * A closed-loop load generator: `concurrency` workers each run `op` back to back for
 * `durationMs` after a `warmupMs` warm-up. Bounded in time; every error is counted (and the
 * first one kept), never thrown. Latencies are measured with hrtime.
 */
export interface LoadResult {
  ops: number;
  errors: number;
  firstError?: string;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** `sample()` at the end of the measured window minus at its start (e.g. server CPU µs). */
  sampled: number;
}

export async function closedLoop(o: {
  concurrency: number;
  durationMs: number;
  warmupMs?: number;
  op: (worker: number, i: number) => Promise<void>;
  /** Read at the start and the end of the measured window (after warm-up). */
  sample?: () => number;
}): Promise<LoadResult> {
  const sample = o.sample ?? (() => 0);
  let sampleStart = 0;
  let sampleEnd: number | undefined;
  const warmupEnd = Date.now() + (o.warmupMs ?? 500);
  let measuring = false;
  let stopAt = 0;
  const lat: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let ops = 0;
  let started = 0;
  let counter = 0;

  async function worker(w: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (!measuring && now >= warmupEnd) {
        measuring = true;
        started = performance.now();
        stopAt = now + o.durationMs;
        sampleStart = sample();
      }
      if (measuring && now >= stopAt) {
        sampleEnd ??= sample();
        return;
      }
      const t0 = performance.now();
      try {
        await o.op(w, counter++);
        if (measuring) {
          lat.push(performance.now() - t0);
          ops++;
        }
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  }

  await Promise.all(Array.from({ length: o.concurrency }, (_, w) => worker(w)));
  const seconds = (performance.now() - started) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : NaN);
  const sampled = (sampleEnd ?? sample()) - sampleStart;
  return { ops, errors, firstError, seconds, perSecond: ops / seconds, p50Ms: pct(0.5), p99Ms: pct(0.99), sampled };
}
