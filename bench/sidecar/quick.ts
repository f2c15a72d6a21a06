/**
 * `npm run bench:sidecar:quick [-- seconds-per-row]`: a quick data-plane measurement (not a test;
 * `npm run bench:sidecar` is the full comparison). Two `trustmesh sidecar` processes in a chain,
 * client → A (api, outbound) → mTLS → B (db, inbound) → a local echo server, set up exactly as
 * bench/sidecar/trustmesh.ts does for the full benchmark (`trustmesh init`, `trustmesh signer`,
 * bootstrap tokens), against raw TCP to the same server, in one run. Prints a table of bulk
 * MB/s, 64-byte round-trip p50/p99 on one connection, 32-connection requests/s and new
 * connections/s, each with its ratio to raw. Every process is stopped by pid at the end, on a
 * signal and on any error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCerts } from './certs';
import { Processes } from './pair';
import { startSigner, startTrustMeshPair } from './trustmesh';
import { open, roundTrip } from './workloads';

const SECONDS = Number(process.argv[2] ?? 2);

async function bulk(port: number, sink: { bytes: number }): Promise<number> {
  const s = await open(port);
  s.resume(); // discard the few echoed bytes so the close can complete
  const chunk = Buffer.alloc(256 * 1024, 1);
  const start = sink.bytes;
  const t0 = process.hrtime.bigint();
  const deadline = Date.now() + SECONDS * 1000;
  while (Date.now() < deadline) {
    if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
  }
  s.end();
  await new Promise((r) => s.once('close', r));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return (sink.bytes - start) / secs / 1e6;
}

async function latency(port: number): Promise<[number, number]> {
  const s = await open(port);
  const payload = Buffer.alloc(64, 2);
  const samples: number[] = [];
  const deadline = Date.now() + SECONDS * 1000;
  for (let i = 0; i < 200; i += 1) await roundTrip(s, payload); // warm-up
  while (Date.now() < deadline && samples.length < 200_000) {
    const t = process.hrtime.bigint();
    await roundTrip(s, payload);
    samples.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  s.destroy();
  samples.sort((a, b) => a - b);
  return [samples[Math.floor(samples.length * 0.5)], samples[Math.floor(samples.length * 0.99)]];
}

async function parallel(port: number, conns: number): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: conns }, () => open(port)));
  const payload = Buffer.alloc(64, 3);
  let count = 0;
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    sockets.map(async (s) => {
      while (Date.now() < deadline) {
        await roundTrip(s, payload);
        count += 1;
      }
      s.destroy();
    }),
  );
  return count / SECONDS;
}

async function newConnections(port: number): Promise<number> {
  const payload = Buffer.alloc(64, 4);
  let count = 0;
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (Date.now() < deadline) {
        const s = await open(port);
        await roundTrip(s, payload);
        s.destroy();
        count += 1;
      }
    }),
  );
  return count / SECONDS;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-quick-'));
  const procs = new Processes();
  let stopping = false;
  const abort = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`bench:sidecar:quick: ${why}; stopping every process\n`);
    void procs.stopAll().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(code);
    });
  };
  process.once('SIGINT', () => abort('SIGINT', 130));
  process.once('SIGTERM', () => abort('SIGTERM', 143));
  const sink = { bytes: 0 };
  // Echo for request/response rows; bytes counted for the bulk row.
  const server = createServer({ noDelay: true }, (s) => {
    s.on('error', () => undefined);
    s.on('data', (c: Buffer) => {
      sink.bytes += c.length;
      if (c.length <= 4096) s.write(c);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const target = (server.address() as AddressInfo).port;
  try {
    process.stderr.write(`setting up in ${dir}…\n`);
    const certs = makeCerts(dir);
    const signer = await startSigner(procs, dir, certs);
    const chain = (await startTrustMeshPair(procs, dir, certs, signer, target, true)).entryPort;
    const rows: [string, number, number][] = [];
    const both = async (name: string, f: (port: number) => Promise<number>) => {
      process.stderr.write(`${name}…\n`);
      const raw = await f(target);
      const mesh = await f(chain);
      rows.push([name, raw, mesh]);
    };
    await both('bulk MB/s, 1 connection', (p) => bulk(p, sink));
    let lat: Record<number, [number, number]> = {};
    await both('64 B round trip p50 µs', async (p) => {
      lat = { ...lat, [p]: await latency(p) };
      return lat[p][0];
    });
    rows.push(['64 B round trip p99 µs', lat[target][1], lat[chain][1]]);
    await both('32-connection requests/s', (p) => parallel(p, 32));
    await both('new connections/s (conc 4, resumed)', newConnections);
    process.stdout.write(`| metric (${SECONDS}s per row) | raw TCP | TrustMesh chain | ratio |\n|---|---|---|---|\n`);
    for (const [name, raw, mesh] of rows)
      process.stdout.write(`| ${name} | ${raw.toFixed(0)} | ${mesh.toFixed(0)} | ${(mesh / raw).toFixed(2)} |\n`);
  } finally {
    await procs.stopAll();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:sidecar:quick failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
