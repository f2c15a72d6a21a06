/**
 * One measured system: where the client connects, which processes are "the proxy" (their CPU is
 * what the table reports), and how to stop them. Every process is started through
 * {@link Processes}, which stops each one by its pid at the end of the run, even on error.
 */
import { connect } from 'node:net';
import { startServer, type ServerProcess } from '../lib/server-process';

/** A running chain as the workloads see it. */
export interface Pair {
  /** Column name in the table. */
  readonly name: string;
  /** Plaintext entry of the chain (the client side of A, or the echo server for raw TCP). */
  readonly entryPort: number;
  /** B's mTLS listener (absent for raw TCP). */
  readonly tlsPort?: number;
  /** The proxy processes whose CPU is counted (A and B). */
  readonly pids: readonly number[];
  /** Server-side sessions seen so far, new and resumed, when the proxy logs them. */
  sessions?(): { full: number; resumed: number };
}

/** Every child process of the run, stopped by pid (SIGTERM, then SIGKILL) in reverse start order. */
export class Processes {
  private readonly all: ServerProcess[] = [];
  private stopping: Promise<void> | undefined;

  async start(o: Parameters<typeof startServer>[0]): Promise<ServerProcess> {
    const p = await startServer(o);
    this.all.push(p);
    // Started while the run is being torn down: stop it too.
    if (this.stopping) await p.stop();
    return p;
  }

  /** Idempotent: every caller (signal, budget, the run's own `finally`) waits for the same stop. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const p of [...this.all].reverse()) {
        try {
          await p.stop();
        } catch {
          // Already gone: nothing left to stop.
        }
      }
    })();
    return this.stopping;
  }
}

/** Resolves once a TCP connection to 127.0.0.1:port succeeds (polling every 50 ms, bounded). */
export async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
