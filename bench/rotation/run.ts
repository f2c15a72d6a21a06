/**
 * One rotation run against a fresh state directory and signer: N `db` identities obtained with
 * bootstrap tokens and watching the bundle; `ca rotate db --root --phase prepare`; every identity
 * reports the prepare bundle version (ReportStatus), so `activate` passes its safety check without
 * `--force`; then `activate --window W` while the signer's load is sampled, until every identity
 * holds a certificate of the new intermediate (or the run's deadline). The signer is stopped by pid
 * in every case.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counters } from './calls';
import { applyHint, FleetWatch, obtainFleet, renewOne, reportFleet, type RenewalLog, type SimIdentity } from './fleet';
import { LoadSampler, summarize, type Bucket } from './sampler';
import { startRotationSigner, statusOf, TYPE } from './signer';

/** Settings of one run. */
export interface RunOptions {
  label: string;
  /** `--window` of activate (the CLI takes 1s at the least). */
  window: string;
  identities: number;
  /** Bundle watch streams the fleet is grouped into. */
  watchGroups: number;
  rateOverall: number;
  pollMs: number;
  storeSync?: 'full' | 'normal';
  /** Wall-clock budget of the whole run (ms). */
  budgetMs: number;
}

/** What a run measured (times in ms, rates per second). */
export interface RunResult {
  label: string;
  window: string;
  renewed: number;
  identities: number;
  /** activate's return → the last identity renewed (NaN if not all renewed). */
  timeToAllMs: number;
  peakRate: number;
  meanRate: number;
  peakCpuPct: number;
  meanCpuPct: number;
  /** Signer CPU (ms) per renewal over the measured interval (moves less than rates on a busy machine). */
  signerCpuMsPerRenewal: number;
  /** The benchmark process's own CPU % over the same interval (it shares the 2 cores). */
  loadGenCpuPct: number;
  rateLimited: number;
  failures: number;
  firstFailure?: string;
  wrongCa: number;
  gaveUp: number;
  setup: { seconds: number; rateLimited: number; failures: number };
  /** Renewal latency (first attempt to certificate held, retries included). */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** First and last renewal start, relative to activate's return. */
  firstStartMs: number;
  lastStartMs: number;
  buckets: Bucket[];
  activateAtMs: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number) : NaN;
}

function progress(msg: string): void {
  process.stderr.write(`  ${msg}\n`);
}

/** Runs one rotation; see the module comment. */
export async function runRotation(o: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const deadline = started + o.budgetMs;
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-rotation-'));
  let signer: Awaited<ReturnType<typeof startRotationSigner>> | undefined;
  let watch: FleetWatch | undefined;
  let sampler: LoadSampler | undefined;
  const starting = startRotationSigner(dir, o.identities, {
    rateOverall: o.rateOverall,
    pollMs: o.pollMs,
    ...(o.storeSync ? { storeSync: o.storeSync } : {}),
  });
  // Ctrl-C / SIGTERM: the finally below would not run, so stop the signer by its pid (once it is
  // up, if it is still starting) and exit.
  const onInterrupt = (): void => {
    void starting
      .then(
        (x) => x.stop(),
        () => undefined,
      )
      .finally(() => {
        rmSync(dir, { recursive: true, force: true });
        process.exit(130);
      });
  };
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  try {
    signer = await starting;
    const s = signer;
    const setup = new Counters();
    const fleet = await obtainFleet(s, o.identities, setup, deadline);
    progress(`${o.label}: ${fleet.length} identities issued (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    const log: RenewalLog = { counters: new Counters(), doneAtMs: [], startAtMs: [], wrongCa: 0, gaveUp: 0 };
    let expectCaId = '';
    const pending: Promise<void>[] = [];
    let measuring = false;
    const renew = (id: SimIdentity): void => {
      pending.push(renewOne(s, id, expectCaId, log, deadline));
    };
    watch = new FleetWatch(s, fleet, o.watchGroups, (members, hint) => {
      // The hint exists only after activate; a bundle seen earlier carries none.
      if (measuring) for (const id of members) applyHint(id, hint, renew);
    });
    await watch.until(statusOf(s, TYPE).bundleVersion, deadline);

    s.cli(['ca', 'rotate', TYPE, '--root', '--phase', 'prepare']);
    const prepared = statusOf(s, TYPE);
    if (!prepared.rotation) throw new Error('prepare left no rotation state');
    expectCaId = prepared.rotation.newIntermediateId;
    await watch.until(prepared.rotation.preparedVersion, deadline);
    await reportFleet(s, fleet, prepared.rotation.preparedVersion, setup, deadline);
    const setupSeconds = (Date.now() - started) / 1000;
    progress(
      `${o.label}: prepared (bundle v${prepared.rotation.preparedVersion}), all reported; setup ${setupSeconds.toFixed(1)} s, activate --window ${o.window}`,
    );

    sampler = new LoadSampler(s.server.pid);
    measuring = true;
    await s.cliAsync(['ca', 'rotate', TYPE, '--root', '--phase', 'activate', '--window', o.window]);
    const activateAtMs = Date.now();
    // Wait for every identity's renewal (scheduled by the hint) or the deadline.
    while (log.doneAtMs.length + log.gaveUp < fleet.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    let cap: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pending),
      new Promise((r) => {
        cap = setTimeout(r, Math.max(0, deadline - Date.now()));
      }),
    ]);
    clearTimeout(cap);
    await new Promise((r) => setTimeout(r, 300)); // one more bucket after the last renewal
    sampler.stop();

    const renewed = fleet.filter((id) => id.renewedCaId === expectCaId).length;
    const lastMs = log.doneAtMs.length ? Math.max(...log.doneAtMs) : NaN;
    const timeToAllMs = renewed === fleet.length ? lastMs - activateAtMs : NaN;
    const buckets = sampler.buckets(log.doneAtMs);
    const lat = log.doneAtMs.map((t, i) => t - (log.startAtMs[i] as number)).sort((a, b) => a - b);
    const sum = summarize(buckets, activateAtMs, Number.isFinite(lastMs) ? lastMs : Date.now());
    return {
      label: o.label,
      window: o.window,
      renewed,
      identities: fleet.length,
      timeToAllMs,
      peakRate: sum.peakRate,
      meanRate: Number.isFinite(timeToAllMs) ? (renewed * 1000) / timeToAllMs : NaN,
      peakCpuPct: sum.peakCpuPct,
      meanCpuPct: sum.meanCpuPct,
      loadGenCpuPct: sum.loadGenCpuPct,
      signerCpuMsPerRenewal: sum.signerCpuMicros / 1000 / Math.max(1, log.doneAtMs.length),
      rateLimited: log.counters.rateLimited,
      failures: log.counters.failures + log.wrongCa + log.gaveUp,
      ...(log.counters.firstFailure ? { firstFailure: log.counters.firstFailure } : {}),
      wrongCa: log.wrongCa,
      gaveUp: log.gaveUp,
      setup: { seconds: setupSeconds, rateLimited: setup.rateLimited, failures: setup.failures },
      latencyP50Ms: percentile(lat, 0.5),
      latencyP99Ms: percentile(lat, 0.99),
      firstStartMs: Math.min(...log.startAtMs) - activateAtMs,
      lastStartMs: Math.max(...log.startAtMs) - activateAtMs,
      buckets,
      activateAtMs,
    };
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    sampler?.stop();
    watch?.close();
    await signer?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
