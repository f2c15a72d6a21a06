/**
 * `npm run bench:sidecar`: in one run, the same two-proxy chain client → A → mTLS → B → echo
 * (P-256 certificates from one `trustmesh init`, TLS 1.3) with TrustMesh sidecars, stunnel and
 * haproxy, against raw TCP (client → echo), with the minimal Node pair of docs/BENCHMARKS.md "The anchors"
 * ("node-naive") as a reference column: what Node and OpenSSL cost before TrustMesh adds
 * anything. Each pair's mTLS enforcement is checked before it is measured. Every row runs
 * BENCH_ROUNDS interleaved rounds over all systems (so a busy moment on this shared machine hits
 * every column alike) and reports the median. Prints a Markdown table (with ratios to raw TCP)
 * and the goal check (TrustMesh at least stunnel on every row, at least haproxy on bulk and
 * 32-connection requests/s).
 *
 * Bounded: about 3 minutes, and never past BENCH_BUDGET_SECONDS (285). Loopback only; every
 * process is stopped by pid at the end, on a signal, on the budget and on any error.
 * Knobs (tuning runs; the documented table uses the defaults):
 * - BENCH_ROUNDS (3), BENCH_SECONDS (2 s for 32 connections; new connections use 3/4 of it),
 *   BENCH_BULK_MIB (128)
 * - BENCH_SYSTEMS (trustmesh,stunnel,haproxy,node-naive; raw TCP always runs)
 * - BENCH_SIDECAR_PROFILE_DIR (V8 CPU profiles of the TrustMesh sidecars),
 *   BENCH_SIDECAR_NODE_FLAGS (extra node flags for the sidecars only), BENCH_KEEP_DIR (keep
 *   configs and logs)
 * Not a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lib/server-process';
import { makeCerts, ROOT } from './certs';
import { startHaproxyPair } from './haproxy';
import { checkMtls } from './mtls-check';
import { startNodeNaivePair } from './node-naive-pair';
import { Processes, type Pair } from './pair';
import { renderReport, type Cell, type Metric } from './report';
import { startStunnelPair } from './stunnel';
import { startSigner, startTrustMeshPair } from './trustmesh';
import { bulk, latency, newConnections, parallel } from './workloads';

const BULK_BYTES = Number(process.env.BENCH_BULK_MIB ?? 128) * 1024 * 1024;
const PAR_MS = Number(process.env.BENCH_SECONDS ?? 2) * 1000;
const NEW_MS = Math.round((PAR_MS * 3) / 4);
/** Every row runs this many interleaved rounds over all systems; the table shows the median. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const BUDGET_MS = Number(process.env.BENCH_BUDGET_SECONDS ?? 285) * 1000;
const LAT_WARMUP = 500;
const LAT_COUNT = 5000;
// BENCH_SYSTEMS=trustmesh narrows a tuning run (raw TCP always runs); the documented table uses all.
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? 'trustmesh,stunnel,haproxy,node-naive').split(',');

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Systems {
  raw: Pair;
  /** Long-lived connections: TrustMesh as shipped, stunnel and haproxy with resumption off. */
  longLived: Pair[];
  /** Resumption on everywhere. */
  resumed: Pair[];
  /** Resumption off everywhere (TrustMesh: B issues no tickets). */
  full: Pair[];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median value and median extra (each on its own); the note of the round with the median value. */
function medianCell(cells: Cell[]): Cell {
  const value = median(cells.map((c) => c.value));
  const mid = cells.find((c) => c.value === value)!;
  const extras = cells.map((c) => c.extra).filter((x): x is number => x !== undefined);
  return { value, extra: extras.length ? median(extras) : undefined, note: mid.note };
}

async function measureAll(s: Systems): Promise<Metric[]> {
  const all = [s.raw, ...s.longLived];
  const metrics: Metric[] = [];
  const cellsFor = async (pairs: Pair[], f: (p: Pair) => Promise<Cell>): Promise<Record<string, Cell>> => {
    const samples = new Map<Pair, Cell[]>(pairs.map((p) => [p, []]));
    for (let r = 0; r < ROUNDS; r++) for (const p of pairs) samples.get(p)!.push(await f(p));
    const out: Record<string, Cell> = {};
    for (const [p, cells] of samples) out[p.name.replace(/-(resume|full)$/, '')] = medianCell(cells);
    return out;
  };

  log('bulk ...');
  const bulks = await cellsFor(all, async (p) => {
    const r = await bulk(p.entryPort, p.pids, BULK_BYTES);
    log(`  ${p.name}: ${r.mbPerSec.toFixed(0)} MB/s, ${r.cpuMsPerMb.toFixed(2)} ms CPU/MB`);
    return { value: r.mbPerSec, extra: r.cpuMsPerMb };
  });
  metrics.push({
    label: `bulk MB/s, 1 connection (${BULK_BYTES / 1048576} MiB)`,
    better: 'higher',
    cells: bulks,
    digits: 0,
  });
  metrics.push({
    label: 'bulk: proxy CPU ms per MB',
    better: 'lower',
    digits: 2,
    noRaw: true,
    cells: Object.fromEntries(Object.entries(bulks).map(([k, c]) => [k, { value: c.extra! }])),
  });

  log('64-byte round trips, 1 connection ...');
  const lats = await cellsFor(all, async (p) => {
    const r = await latency(p.entryPort, LAT_WARMUP, LAT_COUNT);
    log(`  ${p.name}: p50 ${r.p50Us.toFixed(0)} µs, p99 ${r.p99Us.toFixed(0)} µs, ${r.perSec.toFixed(0)} req/s`);
    return { value: r.p50Us, extra: r.p99Us };
  });
  metrics.push({
    label: `1-conn 64 B p50 µs (${LAT_COUNT} after ${LAT_WARMUP} warm-up)`,
    better: 'lower',
    cells: lats,
    digits: 0,
  });
  metrics.push({
    label: '1-conn 64 B p99 µs',
    better: 'lower',
    digits: 0,
    cells: Object.fromEntries(Object.entries(lats).map(([k, c]) => [k, { value: c.extra! }])),
  });

  log('32 connections ...');
  const pars = await cellsFor(all, async (p) => {
    const r = await parallel(p.entryPort, p.pids, 32, PAR_MS);
    const cpu = r.sampled / Math.max(1, r.ops);
    log(
      `  ${p.name}: ${r.perSecond.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, ${cpu.toFixed(0)} µs CPU/req, ${r.errors} errors`,
    );
    if (r.errors) throw new Error(`${p.name} 32-conn: ${r.errors} errors (first: ${r.firstError})`);
    return { value: r.perSecond, extra: cpu, note: `${r.p50Ms.toFixed(2)} / ${r.p99Ms.toFixed(2)}` };
  });
  metrics.push({ label: `32-conn req/s (${PAR_MS / 1000} s)`, better: 'higher', cells: pars, digits: 0 });
  metrics.push({
    label: '32-conn p50 / p99 ms',
    better: 'none',
    digits: 0,
    cells: Object.fromEntries(Object.entries(pars).map(([k, c]) => [k, { value: NaN, note: c.note }])),
  });
  metrics.push({
    label: '32-conn: proxy CPU µs per request',
    better: 'lower',
    digits: 0,
    noRaw: true,
    cells: Object.fromEntries(Object.entries(pars).map(([k, c]) => [k, { value: c.extra! }])),
  });

  for (const [mode, pairs] of [
    ['resumed', [s.raw, ...s.resumed]],
    ['full handshake', [s.raw, ...s.full]],
  ] as const) {
    for (const conc of [1, 16]) {
      log(`new connections, ${mode}, conc ${conc} ...`);
      const cells = await cellsFor([...pairs], async (p) => {
        const before = p.sessions?.();
        const r = await newConnections(p.entryPort, p.pids, conc, NEW_MS);
        const after = p.sessions?.();
        const sess =
          before && after ? ` (B: ${after.full - before.full} full / ${after.resumed - before.resumed} resumed)` : '';
        const cpu = r.sampled / Math.max(1, r.ops);
        log(
          `  ${p.name}: ${r.perSecond.toFixed(0)} conn/s, p50 ${r.p50Ms.toFixed(2)} ms, ${cpu.toFixed(0)} µs CPU/conn, ${r.errors} errors${sess}`,
        );
        if (r.errors > r.ops / 100)
          throw new Error(`${p.name} new connections: ${r.errors} errors (first: ${r.firstError})`);
        return { value: r.perSecond, extra: cpu, note: sess.trim() };
      });
      metrics.push({
        label: `new conn/s, ${mode}, conc ${conc} (${NEW_MS / 1000} s)`,
        better: 'higher',
        cells,
        digits: 0,
      });
      metrics.push({
        label: `proxy CPU µs per new conn, ${mode}, conc ${conc}`,
        better: 'lower',
        digits: 0,
        noRaw: true,
        cells: Object.fromEntries(Object.entries(cells).map(([k, c]) => [k, { value: c.extra!, note: c.note }])),
      });
    }
  }
  return metrics;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-sidecar-'));
  const procs = new Processes();
  // Any way out (signal, budget, a stray error) stops every child by pid before exiting.
  let stopping = false;
  const abort = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log(`bench:sidecar: ${why}; stopping every process`);
    void procs.stopAll().finally(() => {
      if (!process.env.BENCH_KEEP_DIR) rmSync(dir, { recursive: true, force: true });
      process.exit(code);
    });
  };
  process.once('SIGINT', () => abort('SIGINT', 130));
  process.once('SIGTERM', () => abort('SIGTERM', 143));
  process.on('unhandledRejection', (e) => abort(`unexpected error: ${e instanceof Error ? e.message : String(e)}`, 1));
  process.on('uncaughtException', (e) => abort(`unexpected error: ${e.message}`, 1));
  // The whole run stays under 5 minutes: past the budget, stop every process and fail.
  const watchdog = setTimeout(() => abort(`over its ${BUDGET_MS / 1000} s budget`, 1), BUDGET_MS);
  watchdog.unref();
  try {
    log(`work dir ${dir}`);
    const certs = makeCerts(dir);
    const echoPort = await freePort();
    const echo = await procs.start({
      cmd: process.execPath,
      args: [join(ROOT, 'tools/scripts/run-ts.js'), join(__dirname, 'echo-server.ts'), String(echoPort)],
      port: echoPort,
      cwd: ROOT,
      logFile: join(dir, 'echo.log'),
    });
    const signer = await startSigner(procs, dir, certs);
    const raw: Pair = { name: 'raw', entryPort: echoPort, pids: [echo.pid] };
    const starters = {
      trustmesh: (resume: boolean) => startTrustMeshPair(procs, dir, certs, signer, echoPort, resume),
      stunnel: (resume: boolean) => startStunnelPair(procs, dir, certs, echoPort, resume),
      haproxy: (resume: boolean) => startHaproxyPair(procs, dir, certs, echoPort, resume),
      'node-naive': (resume: boolean) => startNodeNaivePair(procs, dir, certs, echoPort, resume),
    };
    const chosen = Object.entries(starters).filter(([name]) => SYSTEMS.includes(name));
    const off: Pair[] = [];
    const on: Pair[] = [];
    for (const [, start] of chosen) off.push(await start(false));
    for (const [, start] of chosen) on.push(await start(true));
    for (const p of [...off, ...on]) log(await checkMtls(p.name, p.tlsPort!, p.entryPort, certs));
    const longLived = [...on.filter((p) => p.name === 'trustmesh'), ...off.filter((p) => p.name !== 'trustmesh-full')];
    const load0 = loadavg()[0]!;
    const t0 = Date.now();
    const metrics = await measureAll({ raw, longLived, resumed: on, full: off });
    const seconds = ((Date.now() - t0) / 1000).toFixed(0);
    const context =
      `Median of ${ROUNDS} interleaved rounds per row, measured in ${seconds} s; ` +
      `1-minute load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end.`;
    process.stdout.write(renderReport(metrics, new Date(), context));
  } finally {
    clearTimeout(watchdog);
    await procs.stopAll();
    if (!process.env.BENCH_KEEP_DIR) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:sidecar failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
