/**
 * The client side of every row, the same code for every pair: bulk upload to the echo server's
 * sink, sequential 64-byte round trips on one connection, a closed loop of round trips on 32
 * connections, and new connections (connect, one 64-byte round trip, close). CPU of the proxy
 * processes is sampled from /proc over each measured window.
 */
import { connect, type Socket } from 'node:net';
import { closedLoop, type LoadResult } from '../lib/load';
import { treeCpuMicros } from '../lib/proc-cpu';

const PAYLOAD = Buffer.alloc(64, 2); // never starts with 'S' (the sink's marker)

/** Sum of the CPU µs of the given process trees. */
export function cpuOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + treeCpuMicros(pid), 0);
}

/** A plaintext connection to 127.0.0.1:port with TCP_NODELAY; rejects on error or after `timeoutMs`. */
export function open(port: number, timeoutMs = 10_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, noDelay: true });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('connect timed out'));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Writes `payload` and resolves once as many bytes came back; rejects on close or after 10 s. */
export function roundTrip(s: Socket, payload: Buffer = PAYLOAD): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const finish = (err?: Error) => {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onData = (c: Buffer) => {
      got += c.length;
      if (got >= payload.length) finish();
    };
    const onClose = () => finish(new Error('closed before the echo'));
    const timer = setTimeout(() => finish(new Error('no echo within 10 s')), 10_000);
    s.on('data', onData);
    s.once('close', onClose);
    s.write(payload);
  });
}

/** Resolves on the socket's next 'drain' or 'close', whichever comes first. */
function drainOrClose(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      s.off('drain', done);
      s.off('close', done);
      resolve();
    };
    s.on('drain', done);
    s.on('close', done);
  });
}

/** Throughput of one bulk upload and the proxies' CPU per MB (10^6 bytes). */
export interface BulkResult {
  mbPerSec: number;
  cpuMsPerMb: number;
}

/** Uploads `bytes` on one connection; timed until the sink acknowledges the last byte. */
export async function bulk(port: number, pids: readonly number[], bytes: number): Promise<BulkResult> {
  const s = await open(port);
  const header = Buffer.alloc(12);
  header.write('SINK', 0, 'latin1');
  header.writeBigUInt64BE(BigInt(bytes), 4);
  const acked = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bulk: no ack within 60 s')), 60_000);
    s.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    s.once('close', () => {
      clearTimeout(timer);
      reject(new Error('bulk: closed before the ack'));
    });
  });
  // Awaited after the upload; a close during it must not surface as an unhandled rejection.
  acked.catch(() => undefined);
  const chunk = Buffer.alloc(256 * 1024, 1);
  const cpu0 = cpuOf(pids);
  const t0 = performance.now();
  s.write(header);
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    const part = bytes - sent >= chunk.length ? chunk : chunk.subarray(0, bytes - sent);
    if (s.destroyed) break; // the ack promise reports why
    if (!s.write(part)) await drainOrClose(s);
  }
  await acked;
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuOf(pids) - cpu0;
  s.destroy();
  const mb = bytes / 1e6;
  return { mbPerSec: mb / secs, cpuMsPerMb: cpu / 1000 / mb };
}

/** Round-trip percentiles (µs) and the rate of the sequential loop. */
export interface LatencyResult {
  p50Us: number;
  p99Us: number;
  perSec: number;
}

/** `warmup` then `count` sequential 64-byte round trips on one connection. */
export async function latency(port: number, warmup: number, count: number): Promise<LatencyResult> {
  const s = await open(port);
  for (let i = 0; i < warmup; i++) await roundTrip(s);
  const lat = new Float64Array(count);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await roundTrip(s);
    lat[i] = (performance.now() - t) * 1000;
  }
  const secs = (performance.now() - t0) / 1000;
  s.destroy();
  lat.sort();
  return { p50Us: lat[Math.floor(count * 0.5)]!, p99Us: lat[Math.floor(count * 0.99)]!, perSec: count / secs };
}

/** Round trips on `conns` long-lived connections in a closed loop; `sampled` = proxy CPU µs. */
export async function parallel(
  port: number,
  pids: readonly number[],
  conns: number,
  durationMs: number,
): Promise<LoadResult> {
  const sockets = await Promise.all(Array.from({ length: conns }, () => open(port)));
  try {
    for (const s of sockets) await roundTrip(s); // every chain connection established before timing
    return await closedLoop({
      concurrency: conns,
      durationMs,
      warmupMs: 500,
      op: (w) => roundTrip(sockets[w]!),
      sample: () => cpuOf(pids),
    });
  } finally {
    for (const s of sockets) s.destroy();
  }
}

/** New connections in a closed loop: connect, one 64-byte round trip, close. */
export function newConnections(
  port: number,
  pids: readonly number[],
  conc: number,
  durationMs: number,
): Promise<LoadResult> {
  return closedLoop({
    concurrency: conc,
    durationMs,
    warmupMs: 300,
    sample: () => cpuOf(pids),
    op: async () => {
      const s = await open(port);
      try {
        await roundTrip(s);
      } finally {
        s.destroy();
      }
    },
  });
}
