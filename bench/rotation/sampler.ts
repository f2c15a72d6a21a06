/**
 * Signer load per 250 ms bucket: the signer process's CPU (user + system of the process tree,
 * from /proc via bench/lib/proc-cpu.ts; 10 ms tick resolution, so one bucket's figure moves in
 * steps of 4 %) sampled on a timer, and renewals completed per bucket from their timestamps.
 * Bucket edges are the actual sample times, so a late timer does not inflate a bucket's rate.
 */
import { selfCpuMicros, treeCpuMicros } from '../lib/proc-cpu';

/** Bucket width (ms). */
export const BUCKET_MS = 250;

/** One bucket: [startMs, endMs) with the signer CPU used, the load generator's own CPU, and renewals completed in it. */
export interface Bucket {
  startMs: number;
  endMs: number;
  cpuMicros: number;
  selfMicros: number;
  renewals: number;
}

/** Samples the CPU of `pid`'s process tree every {@link BUCKET_MS} until `stop()`. */
export class LoadSampler {
  private readonly samples: { atMs: number; cpu: number; self: number }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), BUCKET_MS);
  }

  /** Stops sampling (takes a last sample). Idempotent. */
  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** Buckets between the first and the last sample, with `doneAtMs` (epoch ms) counted into them. */
  buckets(doneAtMs: number[]): Bucket[] {
    const out: Bucket[] = [];
    for (let i = 1; i < this.samples.length; i++) {
      const a = this.samples[i - 1]!;
      const b = this.samples[i]!;
      if (b.atMs <= a.atMs) continue;
      out.push({
        startMs: a.atMs,
        endMs: b.atMs,
        cpuMicros: b.cpu - a.cpu,
        selfMicros: b.self - a.self,
        renewals: doneAtMs.filter((t) => t >= a.atMs && t < b.atMs).length,
      });
    }
    return out;
  }

  private sample(): void {
    this.samples.push({ atMs: Date.now(), cpu: treeCpuMicros(this.pid), self: selfCpuMicros() });
  }
}

/** Peak and mean of renewals/s and signer CPU %, the signer's total CPU (µs) and the load generator's mean CPU %, over `buckets` from `fromMs` to `toMs`. */
export function summarize(
  buckets: Bucket[],
  fromMs: number,
  toMs: number,
): { peakRate: number; peakCpuPct: number; meanCpuPct: number; loadGenCpuPct: number; signerCpuMicros: number } {
  const inside = buckets.filter((b) => b.endMs > fromMs && b.startMs < toMs);
  let peakRate = 0;
  let peakCpuPct = 0;
  let cpu = 0;
  let self = 0;
  let ms = 0;
  for (const b of inside) {
    const width = b.endMs - b.startMs;
    peakRate = Math.max(peakRate, (b.renewals * 1000) / width);
    peakCpuPct = Math.max(peakCpuPct, (b.cpuMicros / 1000 / width) * 100);
    cpu += b.cpuMicros;
    self += b.selfMicros;
    ms += width;
  }
  return {
    peakRate,
    peakCpuPct,
    meanCpuPct: ms > 0 ? (cpu / 1000 / ms) * 100 : 0,
    loadGenCpuPct: ms > 0 ? (self / 1000 / ms) * 100 : 0,
    signerCpuMicros: cpu,
  };
}
