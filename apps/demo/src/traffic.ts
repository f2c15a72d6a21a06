/**
 * The demo's client: steady requests through web → api → db at a bounded rate, and once a second
 * an attempt of web to reach db directly (`GET /probe/db` on web, which dials db through its own
 * sidecar and is refused by db's sidecar). No retries: every failure is counted as one.
 */
import { Agent, request } from 'node:http';

/** Counters of the traffic loop (monotonic). */
export interface TrafficStats {
  /** Requests through the chain answered 200. */
  ok: number;
  /** Requests through the chain that failed (non-200, reset, timeout). */
  failed: number;
  /** Ticks where the in-flight cap was reached and a request was not sent (overload signal). */
  skipped: number;
  /** web → db attempts refused by the mesh (the expected outcome). */
  refused: number;
  /** web → db attempts that got through: the matrix leaked. */
  breaches: number;
  /** web → db attempts that failed for another reason (web itself unreachable). */
  probeErrors: number;
  /** The last failure's description, if any. */
  lastError?: string;
  /** Latencies (ms) of chain requests since the last {@link TrafficLoop.takeLatencies}. */
  latencies: number[];
}

/** Options of {@link TrafficLoop}. */
export interface TrafficOptions {
  /** web's service port (plaintext, local). */
  readonly webPort: number;
  /** Requests per second. */
  readonly rate: number;
  /** Cap on concurrent chain requests. Default 64. */
  readonly maxInFlight?: number;
  /** Interval of the web → db attempt in ms; 0 = never. Default 1000. */
  readonly probeEveryMs?: number;
}

const TICK_MS = 10;
const TIMEOUT_MS = 5000;

/** Runs requests until {@link TrafficLoop.stop}. */
export class TrafficLoop {
  readonly stats: TrafficStats = {
    ok: 0,
    failed: 0,
    skipped: 0,
    refused: 0,
    breaches: 0,
    probeErrors: 0,
    latencies: [],
  };
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });
  private inFlight = 0;
  private sent = 0;
  private started = 0;
  private timers: NodeJS.Timeout[] = [];
  private idle: (() => void) | undefined;
  private probing = true;

  constructor(private readonly o: TrafficOptions) {}

  /** Starts sending. Calling twice has no effect. */
  start(now = Date.now()): void {
    if (this.timers.length > 0) return;
    this.started = now;
    this.timers.push(setInterval(() => this.tick(), TICK_MS));
    const every = this.o.probeEveryMs ?? 1000;
    if (every > 0) this.timers.push(setInterval(() => this.probe(), every));
  }

  /** Stops sending, waits for requests in flight (each bounded by its timeout), closes sockets. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.inFlight > 0) await new Promise<void>((r) => (this.idle = r));
    this.agent.destroy();
  }

  /** Pauses (false) or resumes (true) the web → db attempts; chain traffic is not affected. */
  setProbe(enabled: boolean): void {
    this.probing = enabled;
  }

  /** Returns and clears the latencies collected since the last call. */
  takeLatencies(): number[] {
    const l = this.stats.latencies;
    this.stats.latencies = [];
    return l;
  }

  private tick(): void {
    const due = Math.floor(((Date.now() - this.started) / 1000) * this.o.rate);
    const cap = this.o.maxInFlight ?? 64;
    // Catch up at most one tick's worth beyond the cap; never build an unbounded backlog.
    while (this.sent < due) {
      this.sent++;
      if (this.inFlight >= cap) {
        this.stats.skipped++;
        continue;
      }
      this.chainRequest(this.sent);
    }
  }

  private chainRequest(n: number): void {
    const t0 = Date.now();
    this.get(`/page/${n % 1000}`, (status, body, err) => {
      if (status === 200) {
        this.stats.ok++;
        this.stats.latencies.push(Date.now() - t0);
      } else {
        this.stats.failed++;
        this.stats.lastError = err ?? `web answered ${status}: ${body.slice(0, 160)}`;
      }
    });
  }

  private probe(): void {
    if (!this.probing) return;
    this.get('/probe/db', (status, body, err) => {
      if (status === 502 && body.includes('PEER_REFUSED')) this.stats.refused++;
      else if (status === 200) this.stats.breaches++;
      else {
        this.stats.probeErrors++;
        this.stats.lastError = err ?? `probe answered ${status}`;
      }
    });
  }

  private get(path: string, done: (status: number, body: string, err?: string) => void): void {
    this.inFlight++;
    let finished = false;
    const finish = (status: number, body: string, err?: string): void => {
      if (finished) return;
      finished = true;
      this.inFlight--;
      done(status, body, err);
      if (this.inFlight === 0 && this.idle) {
        this.idle();
        this.idle = undefined;
      }
    };
    const req = request(
      { host: '127.0.0.1', port: this.o.webPort, path, agent: this.agent, timeout: TIMEOUT_MS },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => finish(res.statusCode ?? 0, body));
        res.on('error', (e) => finish(0, '', e.message));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => finish(0, '', e.message));
    req.end();
  }
}
