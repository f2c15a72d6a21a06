/**
 * Counts open connections across every listener (one shared limit) and drains them on shutdown.
 */
import type { Socket } from 'node:net';

/**
 * A slot is taken when a raw socket is accepted and given back when it closes. `drain` waits for
 * open connections to finish, then destroys whatever is left.
 */
export class ConnectionTracker {
  private readonly open = new Set<Socket>();
  private readonly waiters = new Set<() => void>();
  private readonly pairs = new Set<readonly [Socket, Socket]>();
  private readonly active = new WeakSet<Socket>();

  constructor(readonly max: number) {}

  /** Number of open connections. */
  get size(): number {
    return this.open.size;
  }

  /**
   * Takes a slot for `socket` and releases it when the socket closes. Returns `false` (and takes
   * nothing) when the limit is reached; the caller refuses the connection.
   */
  admit(socket: Socket): boolean {
    if (this.open.size >= this.max) return false;
    this.open.add(socket);
    socket.once('close', () => {
      this.open.delete(socket);
      if (this.open.size === 0) for (const w of [...this.waiters]) w();
    });
    return true;
  }

  /** Marks an admitted socket as carrying traffic (handshake done, peer accepted). */
  activate(socket: Socket): void {
    this.active.add(socket);
  }

  /** Registers a proxied pair so {@link bufferedBytes} can see it; forgotten when `a` closes. */
  trackPair(a: Socket, b: Socket): void {
    const pair = [a, b] as const;
    this.pairs.add(pair);
    a.once('close', () => this.pairs.delete(pair));
  }

  /**
   * Bytes held in user-space stream buffers by every proxied pair — what backpressure keeps
   * bounded (about one high-water mark per direction per connection).
   */
  bufferedBytes(): number {
    let total = 0;
    for (const [a, b] of this.pairs) total += a.writableLength + a.readableLength + b.writableLength + b.readableLength;
    return total;
  }

  /**
   * Destroys at once the connections still in their handshake or dial (they carry no traffic
   * yet), then resolves once every active connection has closed, or after `timeoutMs`, when the
   * rest are destroyed. Resolves with the number of active connections that had to be cut.
   */
  drain(timeoutMs: number): Promise<number> {
    for (const s of [...this.open]) if (!this.active.has(s)) s.destroy();
    if (this.open.size === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(0);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        const left = this.open.size;
        for (const s of [...this.open]) s.destroy();
        resolve(left);
      }, timeoutMs);
      this.waiters.add(done);
    });
  }
}
