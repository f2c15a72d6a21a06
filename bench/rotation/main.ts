/**
 * `npm run bench:rotation`: 1,000 simulated `db` sidecar identities (in process, each renewing
 * over its own mTLS channel) go through a root rotation's `activate` against a real signer, once
 * with a jitter window and once without one (the CLI's smallest window, 1 s: everyone renews at
 * once). Reports, per run: peak and mean renewals/s, peak and mean signer CPU % (per 250 ms
 * bucket), the time from activate's return until all hold new-CA certificates, rate-limited
 * retries (RESOURCE_EXHAUSTED with retry-after-ms: not failures) and failures.
 *
 * The signer runs with an overall rate limit of BENCH_ROTATION_RATE requests/s (default 200, see
 * docs/BENCHMARKS.md for why) and polls its store every 250 ms. Bounded: each run has a 75 s
 * budget (about 35 s used), loopback only; every child process is stopped by pid, also on error or
 * Ctrl-C. Environment: BENCH_ROTATION_N (identities, default 1000), BENCH_ROTATION_WINDOW (jitter
 * window, default 20s). Not a test.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fmt, markdownTable } from '../lib/table';
import { BUCKET_MS } from './sampler';
import { runRotation, type RunResult } from './run';

const N = Number(process.env.BENCH_ROTATION_N ?? 1000);
const WINDOW = process.env.BENCH_ROTATION_WINDOW ?? '20s';
const RATE = Number(process.env.BENCH_ROTATION_RATE ?? 200);
const RUN_BUDGET_MS = 75_000;
// BENCH_ROTATION_STORE_SYNC=normal: the signer without an fsync per commit (to see what the disk costs).
const STORE_SYNC = process.env.BENCH_ROTATION_STORE_SYNC === 'normal' ? 'normal' : undefined;

function seconds(ms: number): string {
  return Number.isFinite(ms) ? `${fmt(ms / 1000, 1)} s` : 'not all';
}

/** Renewals per second, one figure per second after activate (a compact view of the buckets). */
function perSecond(r: RunResult): string {
  const out: number[] = [];
  for (const b of r.buckets) {
    const sec = Math.floor((b.startMs - r.activateAtMs) / 1000);
    if (sec < 0) continue;
    out[sec] = (out[sec] ?? 0) + b.renewals;
  }
  return Array.from(out, (v) => v ?? 0).join(' ');
}

/** 1-minute load average: the 2 cores are shared, and a busy machine shows in every figure. */
function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';
}

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1 || N > 5000) throw new Error('BENCH_ROTATION_N must be an integer in 1..5000');
  if (!(RATE > 0)) throw new Error('BENCH_ROTATION_RATE must be > 0');
  const runs: RunResult[] = [];
  const loadBefore = loadAverage();
  // BENCH_ROTATION_RUNS=jitter or =nojitter runs one of the two while tuning; the documented table has both.
  const which = (process.env.BENCH_ROTATION_RUNS ?? 'jitter,nojitter').split(',');
  const plan = (
    [
      ['jitter', `with jitter (--window ${WINDOW})`, WINDOW],
      ['nojitter', 'without jitter (--window 1s)', '1s'],
    ] as const
  ).filter(([k]) => which.includes(k));
  if (plan.length === 0) throw new Error('BENCH_ROTATION_RUNS must name jitter and/or nojitter');
  for (const [, label, window] of plan) {
    const r = await runRotation({
      label,
      window,
      identities: N,
      watchGroups: 4,
      rateOverall: RATE,
      pollMs: 250,
      budgetMs: RUN_BUDGET_MS,
      ...(STORE_SYNC ? { storeSync: STORE_SYNC } : {}),
    });
    runs.push(r);
    process.stderr.write(
      `  ${label}: ${r.renewed}/${r.identities} renewed in ${seconds(r.timeToAllMs)}, peak ${fmt(r.peakRate)}/s, ` +
        `peak CPU ${fmt(r.peakCpuPct)} %, renewal latency p50 ${fmt(r.latencyP50Ms)} ms p99 ${fmt(r.latencyP99Ms)} ms, starts ${fmt(r.firstStartMs)}..${fmt(r.lastStartMs)} ms, ${r.rateLimited} rate-limited retries, ${r.failures} failures` +
        `${r.firstFailure ? ` (first: ${r.firstFailure})` : ''}; setup ${fmt(r.setup.seconds, 1)} s ` +
        `(${r.setup.rateLimited} rate-limited, ${r.setup.failures} failed)\n    renewals per second after activate: ${perSecond(r)}\n`,
    );
  }
  // BENCH_ROTATION_DUMP=<file>: every run's buckets as JSON (ms relative to activate's return), for tuning.
  if (process.env.BENCH_ROTATION_DUMP) {
    writeFileSync(
      process.env.BENCH_ROTATION_DUMP,
      JSON.stringify(
        runs.map((r) => ({
          label: r.label,
          buckets: r.buckets.map((b) => ({
            ...b,
            startMs: b.startMs - r.activateAtMs,
            endMs: b.endMs - r.activateAtMs,
          })),
        })),
        null,
        1,
      ),
    );
  }
  const table = markdownTable(
    [
      'activate',
      'renewed',
      'peak renewals/s',
      'mean renewals/s',
      'peak signer CPU %',
      'mean signer CPU %',
      'signer CPU ms/renewal',
      'time to all renewed',
      'renewal p50 / p99',
      'rate-limited retries',
      'failures',
      'load-gen CPU %',
    ],
    runs.map((r) => [
      r.label,
      `${r.renewed}/${r.identities}`,
      fmt(r.peakRate),
      fmt(r.meanRate),
      fmt(r.peakCpuPct),
      fmt(r.meanCpuPct),
      fmt(r.signerCpuMsPerRenewal, 1),
      seconds(r.timeToAllMs),
      `${fmt(r.latencyP50Ms)} / ${fmt(r.latencyP99Ms)} ms`,
      r.rateLimited,
      r.failures,
      fmt(r.loadGenCpuPct),
    ]),
  );
  process.stdout.write(
    `\n## Rotation (activate under load) (${new Date().toISOString().slice(0, 10)}, ${N} db identities, ` +
      `signer --rate-overall ${RATE} --poll-ms 250${STORE_SYNC ? ' --store-sync normal' : ''}, ${BUCKET_MS} ms buckets, ` +
      `load average ${loadBefore} before / ${loadAverage()} after)\n\n${table}\n`,
  );
  if (runs.some((r) => r.renewed !== r.identities)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:rotation failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
