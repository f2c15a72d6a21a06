import type { Store } from '@trustmesh/store';

interface Job {
  op: (s: Store) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for the signer's store writes. Each `run(op)` executes `op` inside its own
 * savepoint of a shared transaction; all operations queued while the previous commit was in
 * progress (or during the same event-loop turn) share one COMMIT, so one fsync covers many
 * requests at high concurrency and durability stays what the store gives ('full': a batch resolves
 * after its fsync, which runs off the thread, so the next batch forms meanwhile).
 * A job resolves only after the commit that holds it; a failing job is rolled back alone and
 * rejects with its own error; a failed commit rejects the whole batch. Batches are bounded.
 */
export class WriteBatcher {
  private queue: Job[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  /**
   * `maxInFlight` batches may be under way at once: the store runs their transactions one after
   * the other, but a batch waiting for its fsync (off the thread) no longer holds back the next
   * commit. Default 2.
   */
  constructor(
    private readonly store: Store,
    private readonly maxBatch = 256,
    private readonly maxInFlight = 2,
  ) {}

  /** Runs `op` in the next batch; resolves with its result after that batch has committed. */
  run<T>(op: (s: Store) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Waits until everything queued so far has committed (shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0 || this.queue.length > 0 || this.scheduled) {
      await (this.inFlight.size > 0 ? Promise.race(this.inFlight) : new Promise((r) => setImmediate(r)));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight.size >= this.maxInFlight) return;
    this.scheduled = true;
    // setImmediate: let every request whose bytes already arrived reach this queue first
    // (the batch also grows while the previous one waits for its fsync).
    setImmediate(() => {
      this.scheduled = false;
      const flight: Promise<void> = this.flush().finally(() => {
        this.inFlight.delete(flight);
        if (this.queue.length > 0) this.schedule();
      });
      this.inFlight.add(flight);
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    const settled: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await this.store.transaction(async (s) => {
        for (const job of batch) {
          try {
            settled.push({ ok: true, value: await s.transaction(job.op) });
          } catch (error) {
            settled.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    batch.forEach((job, i) => {
      const r = settled[i] as (typeof settled)[number];
      if (r.ok) job.resolve(r.value);
      else job.reject(r.error);
    });
  }
}
