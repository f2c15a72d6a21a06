/**
 * `npm run bench:pki` — certificate issuance throughput, single thread, one run: libs/pki against
 * @peculiar/x509 (P-256 on WebCrypto, same extensions) and, with RSA-2048 keys, against node-forge
 * (which has no ECDSA). Not a test: it prints a Markdown table for docs/BENCHMARKS.md.
 *
 * "parse+verify+issue": strict-parse a CSR, verify its signature, issue a leaf from it.
 * "issue only": issue from an already imported public key.
 * The machine is shared and noisy, so the rows are interleaved: BENCH_ROUNDS rounds (default 3),
 * each giving every case a slice of BENCH_SECONDS / rounds (default 2.5 s per case in total); the
 * table shows the median slice. CPU µs/cert (process CPU time per certificate, all threads) is
 * the figure that moves least with load; certs per CPU-second is its inverse.
 */
import { cpus, loadavg } from 'node:os';
import { forgeCases, peculiarCases, pkiCases, type Case } from './cases';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2.5);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

interface Slice {
  perSec: number;
  cpuUs: number;
  n: number;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function slice(c: Case, seconds: number, maxOps = c.maxOpsPerSlice ?? Infinity): Promise<Slice> {
  const c0 = cpuNow();
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  let n = 0;
  if (c.async) {
    while (n < maxOps && process.hrtime.bigint() < end) await c.fn(n++);
  } else {
    // Read the clock every 8 operations: hrtime is cheap but not free next to a 30 µs sign.
    while (n < maxOps && process.hrtime.bigint() < end) for (let k = 0; k < 8 && n < maxOps; k++) c.fn(n++);
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { perSec: n / secs, cpuUs: (cpuNow() - c0) / n, n };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

async function main(): Promise<void> {
  process.stderr.write(`bench:pki: ${SECONDS} s per case in ${ROUNDS} interleaved rounds, single thread\n`);
  const cases = [...pkiCases(false), ...(await peculiarCases()), ...pkiCases(true), ...forgeCases()];
  for (const c of cases) await slice(c, 0.2, c.maxOpsPerSlice ? 3 : Infinity); // warm-up (JIT, key caches)
  const results = new Map<Case, Slice[]>(cases.map((c) => [c, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of cases) {
      const s = await slice(c, SECONDS / ROUNDS);
      results.get(c)?.push(s);
      process.stderr.write(`  round ${r + 1}: ${c.lib} / ${c.what}: ${fmt(s.perSec)}/s, ${fmt(s.cpuUs)} µs CPU\n`);
    }
  }
  const rows = cases.map((c) => {
    const ss = results.get(c) ?? [];
    return {
      c,
      perSec: median(ss.map((s) => s.perSec)),
      cpuUs: median(ss.map((s) => s.cpuUs)),
      n: ss.reduce((a, s) => a + s.n, 0),
    };
  });
  // Ratios compare like with like: P-256 rows with libs/pki P-256, RSA rows with libs/pki RSA-2048.
  const ours = (c: Case) =>
    rows.find(
      (r) => r.c.lib === (c.lib.includes('RSA') ? 'libs/pki (RSA-2048)' : 'libs/pki (P-256)') && r.c.what === c.what,
    );
  const p256 = (what: string) => rows.find((r) => r.c.lib === 'libs/pki (P-256)' && r.c.what === what);
  const pec = rows.filter((r) => r.c.lib.startsWith('@peculiar'));
  const cpu = cpus();
  const lines = [
    `node ${process.version} (OpenSSL ${process.versions.openssl}), ${cpu.length} x ${cpu[0]?.model ?? '?'}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    '',
    '| library (CA and CSR keys) | operation | certs/s (median) | CPU µs/cert | certs per CPU-second | certs timed | libs/pki × faster (wall / CPU) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const o = ours(r.c);
      const ratio =
        r.c.lib.startsWith('libs/pki') || !o
          ? '–'
          : `${(o.perSec / r.perSec).toFixed(1)} / ${(r.cpuUs / o.cpuUs).toFixed(1)}`;
      return `| ${r.c.lib} | ${r.c.what} | ${fmt(r.perSec)} | ${fmt(r.cpuUs)} | ${fmt(1e6 / r.cpuUs)} | ${r.n} | ${ratio} |`;
    }),
    '',
    `goals (libs/pki P-256, wall clock): parse+verify+issue >= 2,700/s: ${(p256('parse+verify+issue')?.perSec ?? 0) >= 2700 ? 'met' : 'MISSED'}; ` +
      `issue only >= 10,000/s: ${(p256('issue only')?.perSec ?? 0) >= 10000 ? 'met' : 'MISSED'}; ` +
      `>= 10x @peculiar/x509: ${pec.every((r) => (ours(r.c)?.perSec ?? 0) / r.perSec >= 10) ? 'met' : 'MISSED'}`,
    `same goals per CPU-second (load-independent): parse+verify+issue ${fmt(1e6 / (p256('parse+verify+issue')?.cpuUs ?? NaN))}, ` +
      `issue only ${fmt(1e6 / (p256('issue only')?.cpuUs ?? NaN))}, ` +
      `vs @peculiar/x509 ${pec.map((r) => `${(r.cpuUs / (ours(r.c)?.cpuUs ?? NaN)).toFixed(0)}x`).join(' / ')}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench:pki failed: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
