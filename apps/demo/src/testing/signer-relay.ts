/**
 * A network partition between ONE sidecar and the signer, for the stale-bundle tests: a TCP relay
 * on 127.0.0.1 in front of the signer that the sidecar is pointed at, and that can be cut and
 * healed while everything else keeps running.
 *
 * Cut: bytes stop moving both ways on the open connections (paused, not closed — like packets
 * dropped on a partitioned link; what either side sends waits in the kernel buffers), and a
 * connection opened meanwhile is accepted but not connected through. Healed: the held bytes flow
 * and held connections are connected through, as TCP would retransmit once the link is back. The
 * sidecar process itself is never stopped: its data plane keeps serving, only its control plane
 * (watch stream, renewals, status reports) is cut off.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

interface Pair {
  readonly client: Socket;
  upstream?: Socket;
}

/** A cuttable relay to `127.0.0.1:<target>`. */
export class SignerRelay {
  private readonly pairs = new Set<Pair>();
  private cut = false;

  private constructor(
    private readonly server: Server,
    private readonly target: number,
  ) {}

  /** Listens on a free port of 127.0.0.1 and relays to `127.0.0.1:target`. */
  static async start(target: number): Promise<SignerRelay> {
    const server = createServer({ pauseOnConnect: true });
    const relay = new SignerRelay(server, target);
    server.on('connection', (c) => relay.accept(c));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return relay;
  }

  /** The relay's port (what the cut-off sidecar's config names as the signer). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Connections currently open through the relay (held ones included). */
  get connections(): number {
    return this.pairs.size;
  }

  /** Partitions the link: nothing moves until {@link heal}. Idempotent. */
  cutOff(): void {
    if (this.cut) return;
    this.cut = true;
    for (const p of this.pairs) {
      if (!p.upstream) continue;
      p.client.unpipe(p.upstream);
      p.upstream.unpipe(p.client);
      p.client.pause();
      p.upstream.pause();
    }
  }

  /** Heals the link: held bytes flow, held connections are connected through. Idempotent. */
  heal(): void {
    if (!this.cut) return;
    this.cut = false;
    for (const p of this.pairs) this.link(p);
  }

  /** Closes the listener and every relayed connection. */
  async close(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream?.destroy();
    }
    this.pairs.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const pair: Pair = { client };
    this.pairs.add(pair);
    const drop = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      pair.upstream?.destroy();
    };
    client.on('error', drop);
    client.on('close', drop);
    // While cut, the connection is accepted but held: no upstream until healed.
    if (!this.cut) this.link(pair);
  }

  private link(p: Pair): void {
    if (!p.upstream) {
      const upstream = connect(this.target, '127.0.0.1');
      p.upstream = upstream;
      const drop = (): void => {
        this.pairs.delete(p);
        upstream.destroy();
        p.client.destroy();
      };
      upstream.on('error', drop);
      upstream.on('close', drop);
    }
    p.client.pipe(p.upstream);
    p.upstream.pipe(p.client);
  }
}
