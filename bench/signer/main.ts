/**
 * `npm run bench:signer`: one Node load generator drives, in the same run, the TrustMesh signer
 * (gRPC over TLS: token-authenticated first issuance, and mTLS renewal) and `cfssl serve`
 * (`/api/v1/cfssl/sign`, and HMAC `/authsign`) at concurrency 1, 8 and 64. Reports
 * certificates/s, p50/p99 latency, server CPU µs per certificate, and TrustMesh / CFSSL ratios.
 *
 * Needs `cfssl` (Debian package golang-cfssl). Bounded: about 2.5 s per row
 * (BENCH_SECONDS overrides the measured window; BENCH_ROUNDS=N repeats every row N times, interleaved,
 * and reports medians). Not a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsr, generateKeyPair, pemEncode } from '@trustmesh/pki';
import { fsyncMedianMicros } from '../lib/fsync-probe';
import { closedLoop, type LoadResult } from '../lib/load';
import { selfCpuMicros, treeCpuMicros } from '../lib/proc-cpu';
import { fmt, markdownTable } from '../lib/table';
import { startCfssl } from './cfssl';
import { startTrustMeshSigner } from './trustmesh';

// BENCH_LEVELS=8,64 and BENCH_SYSTEMS=trustmesh narrow a run while tuning; the documented table uses all.
const LEVELS = (process.env.BENCH_LEVELS ?? '1,8,64').split(',').map(Number);
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? 'trustmesh,cfssl').split(',');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2.5);
// Interleaved rounds; the table shows per-row medians (the machine is shared: one round is noisy).
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));

interface Row {
  system: string;
  mode: string;
  conc: number;
  r: LoadResult;
  cpuPerCert: number;
  loadGenPct: number;
}

async function measure(
  system: string,
  mode: string,
  conc: number,
  pid: number,
  op: (i: number) => Promise<void>,
): Promise<Row> {
  let gen0 = 0;
  const r = await closedLoop({
    concurrency: conc,
    durationMs: SECONDS * 1000,
    warmupMs: 400,
    op: (_w, i) => op(i),
    sample: () => {
      const v = treeCpuMicros(pid);
      gen0 = gen0 === 0 ? selfCpuMicros() : gen0;
      return v;
    },
  });
  const loadGenPct = ((selfCpuMicros() - gen0) / (r.seconds * 1e6)) * 100;
  if (r.errors) process.stderr.write(`  ${system} ${mode} c=${conc}: ${r.errors} errors (first: ${r.firstError})\n`);
  const row = { system, mode, conc, r, cpuPerCert: r.sampled / Math.max(1, r.ops), loadGenPct };
  process.stderr.write(
    `  ${system} ${mode} c=${conc}: ${fmt(r.perSecond)} certs/s, p50 ${fmt(r.p50Ms, 2)} ms, p99 ${fmt(r.p99Ms, 2)} ms, ${fmt(row.cpuPerCert)} µs CPU/cert\n`,
  );
  return row;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-signer-'));
  const csrs = Array.from({ length: 256 }, () => {
    const k = generateKeyPair();
    return buildCsr({ privateKey: k.privateKey, publicKey: k.publicKey });
  });
  const csrPems = csrs.map((d) => pemEncode('CERTIFICATE REQUEST', d));
  let rows: Row[] = [];
  const fsyncs: number[] = [];
  const estTokens = Math.ceil((SECONDS + 1) * 6_000 * LEVELS.length * ROUNDS);
  const tm = await startTrustMeshSigner(dir, estTokens);
  const cf = await startCfssl(dir, Math.max(...LEVELS));
  try {
    fsyncs.push(fsyncMedianMicros(dir));
    for (let round = 0; round < ROUNDS; round++)
      for (const conc of LEVELS) {
        if (SYSTEMS.includes('trustmesh'))
          rows.push(
            await measure('trustmesh', 'Sign, bootstrap token (gRPC/TLS)', conc, tm.server.pid, (i) =>
              tm.signWithToken(csrs[i % csrs.length]!, i),
            ),
          );
        if (SYSTEMS.includes('cfssl'))
          rows.push(
            await measure('cfssl', '/sign (HTTP)', conc, cf.server.pid, (i) => cf.sign(csrPems[i % csrPems.length]!)),
          );
        if (SYSTEMS.includes('trustmesh'))
          rows.push(
            await measure('trustmesh', 'Sign, renewal (gRPC/mTLS)', conc, tm.server.pid, (i) =>
              tm.renew(csrs[i % csrs.length]!),
            ),
          );
        if (SYSTEMS.includes('cfssl'))
          rows.push(
            await measure('cfssl', '/authsign (HTTP, HMAC)', conc, cf.server.pid, (i) =>
              cf.authsign(csrPems[i % csrPems.length]!),
            ),
          );
      }
    fsyncs.push(fsyncMedianMicros(dir));
  } finally {
    await tm.close();
    await cf.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const all = rows;
  rows = medians(all);
  const table = markdownTable(
    ['system', 'endpoint', 'conc', 'certs/s', 'p50 ms', 'p99 ms', 'server CPU µs/cert', 'load-gen CPU %', 'errors'],
    rows.map((x) => [
      x.system,
      x.mode,
      x.conc,
      fmt(x.r.perSecond),
      fmt(x.r.p50Ms, 2),
      fmt(x.r.p99Ms, 2),
      fmt(x.cpuPerCert),
      fmt(x.loadGenPct),
      x.r.errors,
    ]),
  );
  const pairs: (string | number)[][] = [];
  for (const conc of LEVELS) {
    const get = (s: string, m: string) => rows.find((x) => x.system === s && x.conc === conc && x.mode.startsWith(m));
    for (const [tmMode, cfMode, label] of [
      ['Sign, bootstrap', '/sign', 'token vs /sign'],
      ['Sign, renewal', '/authsign', 'renewal vs /authsign'],
    ]) {
      const a = get('trustmesh', tmMode!);
      const b = get('cfssl', cfMode!);
      if (!a || !b) continue;
      pairs.push([
        label!,
        conc,
        `${fmt(a.r.perSecond / b.r.perSecond, 2)}x`,
        `${fmt(a.cpuPerCert / b.cpuPerCert, 2)}x`,
      ]);
    }
  }
  const ratios = markdownTable(
    ['TrustMesh vs CFSSL', 'conc', 'certs/s ratio (goal ≥ 2x)', 'CPU/cert ratio (goal ≤ 0.5x)'],
    pairs,
  );
  const rounds = ROUNDS > 1 ? `, median of ${ROUNDS} interleaved rounds` : '';
  const sync = process.env.BENCH_SIGNER_STORE_SYNC === 'normal' ? 'normal' : 'full';
  const conditions =
    `Signer store sync: ${sync}; signer CPU workers: ${process.env.BENCH_SIGNER_WORKERS ?? 'default'}; ` +
    `fsync of 4 KiB in the state directory, median, before / after: ${fsyncs.map((v) => `${fmt(v)} µs`).join(' / ')}; ` +
    `load average at the end: ${loadavg()
      .map((v) => v.toFixed(1))
      .join(', ')}.`;
  process.stdout.write(
    `\n## Signer vs CFSSL (${new Date().toISOString().slice(0, 10)}, ${SECONDS} s per row${rounds})\n\n${conditions}\n\n${table}\n\n${ratios}\n`,
  );
}

/** One row per system/mode/concurrency: the median of each figure over the rounds, errors summed. */
function medians(all: Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const x of all) {
    const k = `${x.system}|${x.mode}|${x.conc}`;
    groups.set(k, [...(groups.get(k) ?? []), x]);
  }
  const med = (v: number[]): number => {
    const s = [...v].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] as number;
  };
  return [...groups.values()].map((g) => {
    const first = g[0] as Row;
    const r: LoadResult = {
      ...first.r,
      perSecond: med(g.map((x) => x.r.perSecond)),
      p50Ms: med(g.map((x) => x.r.p50Ms)),
      p99Ms: med(g.map((x) => x.r.p99Ms)),
      errors: g.reduce((n, x) => n + x.r.errors, 0),
    };
    return { ...first, r, cpuPerCert: med(g.map((x) => x.cpuPerCert)), loadGenPct: med(g.map((x) => x.loadGenPct)) };
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:signer failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
