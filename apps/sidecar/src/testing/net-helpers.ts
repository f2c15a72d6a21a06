/**
 * Socket helpers for the sidecar's tests: an echo server, a byte collector, bounded waits.
 * Everything binds to 127.0.0.1 and every wait has a deadline.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A local TCP server; `sockets` holds the server side of every accepted connection. */
export interface TestServer {
  readonly port: number;
  readonly sockets: Socket[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0 with `onSocket` per connection (default: echo, half-close aware). */
export async function startTcpServer(onSocket: (s: Socket) => void = (s) => s.pipe(s)): Promise<TestServer> {
  const sockets: Socket[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Connects a plaintext client to 127.0.0.1:port. */
export function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** What a socket did until it closed: bytes read, whether it saw `end`, the error code if any. */
export interface SocketOutcome {
  readonly data: Buffer;
  readonly ended: boolean;
  readonly error?: string;
}

/**
 * Collects everything `s` reads until it closes, or rejects after `timeoutMs`. When the peer
 * ends, `s` ends too (a client with nothing more to say), so half-open sockets close.
 */
export function collect(s: Socket, timeoutMs = 3000): Promise<SocketOutcome> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    let error: string | undefined;
    const t = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs}ms`)), timeoutMs);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => {
      ended = true;
      s.end();
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    s.on('close', () => {
      clearTimeout(t);
      resolve({ data: Buffer.concat(chunks), ended, ...(error ? { error } : {}) });
    });
  });
}

/** Reads until `n` bytes arrived; rejects on close or timeout. */
export function readBytes(s: Socket, n: number, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const cleanup = () => {
      clearTimeout(t);
      s.off('data', onData);
      s.off('close', onClose);
    };
    const onData = (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= n) {
        cleanup();
        s.pause();
        const all = Buffer.concat(chunks);
        if (all.length > n) s.unshift(all.subarray(n));
        resolve(all.subarray(0, n));
      }
    };
    const onClose = () => {
      cleanup();
      reject(new Error(`closed after ${got} of ${n} bytes`));
    };
    const t = setTimeout(() => {
      cleanup();
      reject(new Error(`timeout after ${got} of ${n} bytes`));
    }, timeoutMs);
    s.on('data', onData);
    s.once('close', onClose);
    s.resume();
  });
}

/** Polls `cond` every 10 ms until it holds or `timeoutMs` passes (then rejects). */
export async function waitFor(cond: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
