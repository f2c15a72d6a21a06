/**
 * Tells the signer what this sidecar holds (ReportStatus over mTLS): serial, issuing CA id and
 * expiry of the current certificate, the bundle version, the older identities kept for fallback
 * and the outbound fallbacks counted by the data plane. Sent periodically (±10% jitter) and after
 * every identity or bundle change; reports are serial (never two in flight; a change during a
 * send triggers one more send afterwards). A failed report is logged and retried with capped,
 * jittered exponential backoff (and at the next tick in any case).
 */
import type { PeerFallback, StatusReport, StatusReportAck } from '@trustmesh/proto';
import { formatHostPort, type OutboundRoute } from '../config/types';
import type { IdentitySource } from '../identity/identity-source';
import type { Logger } from '../observe/logger';
import type { MetricsRegistry } from '../observe/metrics';
import type { TrustSource } from '../trust/trust-source';
import { systemClock, type Clock, type TimerHandle, type UniformRandom } from './clock';
import { describeError, type ControlError } from './errors';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from '@trustmesh/policy';
import type { SignerClient } from './signer-client';

/** Options of {@link StatusReporter}. */
export interface StatusReporterOptions {
  client: SignerClient;
  identities: IdentitySource;
  trust: TrustSource;
  serviceType: string;
  instanceId: string;
  /** Issuing CA id of a serial (the identity manager knows it from the SignResponse). */
  caIdOf: (serialHex: string) => string;
  /** The data plane's metrics (fallback counters) and the outbound routes they are labelled with. */
  metrics?: MetricsRegistry;
  outbound?: readonly OutboundRoute[];
  /** Period of the regular report. Default 60 s. */
  intervalMs?: number;
  clock?: Clock;
  random?: UniformRandom;
  backoff?: BackoffPolicy;
  logger?: Logger;
}

const FALLBACK_KINDS: Readonly<Record<string, string>> = {
  identity: 'previous-identity',
  trust_refresh: 'bundle-refresh',
};

/** Periodic and change-driven ReportStatus. */
export class StatusReporter {
  private readonly clock: Clock;
  private readonly random: UniformRandom;
  private readonly intervalMs: number;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly lastAt = new Map<string, { count: number; at: number }>();
  private timer: TimerHandle | undefined;
  private retry: TimerHandle | undefined;
  private failures = 0;
  private inflight: Promise<void> | undefined;
  private again = false;
  private running = false;
  private ack: StatusReportAck | undefined;
  private error: ControlError | undefined;
  private sent = 0;

  constructor(private readonly o: StatusReporterOptions) {
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? Math.random;
    this.intervalMs = o.intervalMs ?? 60_000;
  }

  /** Subscribes to changes and starts the periodic timer. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const poke = () => void this.reportNow();
    this.unsubscribe.push(this.o.identities.onChange(poke), this.o.trust.onChange(poke));
    this.tick();
    if (this.o.identities.current()) poke();
  }

  /** Stops timers and subscriptions; a report in flight completes. */
  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.retry?.cancel();
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** The signer's last acknowledgement. */
  lastAck(): StatusReportAck | undefined {
    return this.ack;
  }

  /** The error of the last failed report, cleared by a success. */
  lastError(): ControlError | undefined {
    return this.error;
  }

  /** Reports acknowledged so far. */
  get reportsSent(): number {
    return this.sent;
  }

  /**
   * Sends a report now, or once more after the one in flight. Resolves when done; never rejects
   * (failures are recorded in {@link lastError}). Does nothing without an identity.
   */
  reportNow(): Promise<void> {
    if (this.inflight) {
      this.again = true;
      return this.inflight;
    }
    this.inflight = this.loop().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** The report for the current state, or `undefined` before the first identity. */
  build(): StatusReport | undefined {
    const now = this.clock.now();
    const current = this.o.identities.current();
    if (!current) return undefined;
    const previous = this.o.identities.usable(now).filter((i) => i.serialHex !== current.serialHex);
    return {
      instanceId: this.o.instanceId,
      serviceType: this.o.serviceType,
      serialHex: current.serialHex,
      caId: this.o.caIdOf(current.serialHex),
      notAfterUnix: Math.floor(current.notAfter.getTime() / 1000),
      bundleVersion: this.o.trust.current()?.version ?? 0,
      fallbacks: this.fallbacks(now),
      previousIdentities: previous.map((i) => ({
        serialHex: i.serialHex,
        caId: this.o.caIdOf(i.serialHex),
        notAfterUnix: Math.floor(i.notAfter.getTime() / 1000),
      })),
    };
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      const report = this.build();
      if (!report) return;
      try {
        this.ack = await this.o.client.reportStatus(report);
        this.error = undefined;
        this.sent++;
        this.failures = 0;
        this.retry?.cancel();
      } catch (err) {
        this.error = err as ControlError;
        this.failures++;
        const delay = backoffDelayMs(
          this.failures - 1,
          this.random(),
          this.o.backoff ?? DEFAULT_BACKOFF,
          this.error.retryAfterMs,
        );
        this.o.logger?.log('warn', 'status_report_failed', { ...describeError(err), retry_in_ms: delay });
        this.retry?.cancel();
        if (this.running) this.retry = this.clock.setTimer(() => void this.reportNow(), delay);
        return; // never a tight loop against a failing signer
      }
    } while (this.again && this.running);
  }

  private tick(): void {
    if (!this.running) return;
    const delay = this.intervalMs * (0.9 + 0.2 * this.random());
    this.timer = this.clock.setTimer(() => {
      void this.reportNow();
      this.tick();
    }, delay);
  }

  /** Fallback counters per outbound route and kind, with the time their count last grew. */
  private fallbacks(now: Date): PeerFallback[] {
    const metrics = this.o.metrics;
    if (!metrics) return [];
    const routes = new Map((this.o.outbound ?? []).map((r) => [r.name, r]));
    const out: PeerFallback[] = [];
    for (const p of metrics.read()) {
      if (p.name !== 'trustmesh_sidecar_fallbacks_total' || p.value <= 0) continue;
      const route = routes.get(p.labels.route ?? '');
      const kind = FALLBACK_KINDS[p.labels.kind ?? ''];
      if (!route || !kind) continue;
      const key = `${route.name}|${kind}`;
      const seen = this.lastAt.get(key);
      const at = seen && seen.count === p.value ? seen.at : now.getTime();
      this.lastAt.set(key, { count: p.value, at });
      out.push({
        peerType: route.peerType,
        peerAddress: formatHostPort(route.connect),
        kind,
        count: p.value,
        lastAtUnix: Math.floor(at / 1000),
      });
    }
    return out;
  }
}
