/**
 * Composes the data plane: TLS material from the identity and trust sources, one listener per
 * route, the admin endpoint with metrics through OpenTelemetry, and graceful shutdown. The signer
 * client (issuance, renewal, WatchTrustBundle) plugs in by writing into the sources.
 */
import { createTelemetry, type Telemetry } from '@trustmesh/telemetry';
import type { SidecarConfig } from './config/types';
import type { IdentitySource } from './identity/identity-source';
import { JsonLogger, type Logger } from './observe/logger';
import { MetricsRegistry } from './observe/metrics';
import { exportMetrics, SIDECAR_SERVICE_NAME } from './observe/otel-export';
import { startAdmin, isReady, type RunningAdmin } from './admin/admin-server';
import { ConnectionTracker } from './proxy/connection-tracker';
import { startInbound, type RunningListener } from './proxy/inbound-listener';
import { startOutbound } from './proxy/outbound-listener';
import { TlsMaterial } from './tls/tls-material';
import type { TrustSource } from './trust/trust-source';

/** Inputs of {@link startSidecar}. */
export interface SidecarOptions {
  config: SidecarConfig;
  identities: IdentitySource;
  trust: TrustSource;
  /** Default: JSON lines on stdout. */
  logger?: Logger;
  /** Default: a fresh registry. */
  metrics?: MetricsRegistry;
  /**
   * Where the metrics are exported (`/metrics`, and OTLP when it was built with `OTEL_*`
   * settings); one sidecar per telemetry. The caller keeps owning it. Default: a telemetry of
   * its own (Prometheus on the admin port only, no OTLP), shut down with the sidecar.
   */
  telemetry?: Telemetry;
  /** Default: the system clock. */
  now?: () => Date;
  nextRenewal?: () => Date | undefined;
}

/** A running sidecar. */
export interface RunningSidecar {
  readonly material: TlsMaterial;
  readonly metrics: MetricsRegistry;
  readonly admin: RunningAdmin;
  /** Open connections and their buffered bytes. */
  readonly tracker: ConnectionTracker;
  /** Resolves once every route listens (they wait for the first identity and bundle). */
  readonly listening: Promise<readonly RunningListener[]>;
  ready(): boolean;
  /** Stops accepting, drains up to `limits.drainTimeout`, closes. Resolves with the number of connections cut. */
  shutdown(): Promise<number>;
}

/**
 * Starts the admin endpoint at once and the routes as soon as TLS material exists (readiness is
 * false until then). `listening` rejects with `LISTEN_FAILED` when a route cannot bind; the
 * listeners that did bind are closed again.
 * @throws SidecarError `LISTEN_FAILED` when the admin address cannot be bound.
 */
export async function startSidecar(o: SidecarOptions): Promise<RunningSidecar> {
  const { config } = o;
  const logger = o.logger ?? new JsonLogger();
  const metrics = o.metrics ?? new MetricsRegistry();
  const now = o.now ?? (() => new Date());
  const material = new TlsMaterial({
    identities: o.identities,
    trust: o.trust,
    minVersion: config.tlsMinVersion,
    acceptSets: config.inbound.map((r) => r.accept),
    peerTypes: config.outbound.map((r) => r.peerType),
    metrics,
    logger,
    now,
  });
  const tracker = new ConnectionTracker(config.limits.maxConnections);
  const deps = { material, tracker, limits: config.limits, metrics, logger, trust: o.trust, now };
  const telemetry = o.telemetry ?? createTelemetry({ serviceName: SIDECAR_SERVICE_NAME });
  const unexport = exportMetrics(metrics, telemetry.meter);
  const releaseTelemetry = async () => {
    unexport();
    if (!o.telemetry) await telemetry.shutdown();
  };
  let admin: RunningAdmin;
  try {
    admin = await startAdmin(config.admin.listen, { material, telemetry, logger, now, nextRenewal: o.nextRenewal });
  } catch (err) {
    material.close();
    await releaseTelemetry();
    throw err;
  }
  let stopping = false;
  let stopWaiting = () => undefined as void;
  const stopped = new Promise<boolean>((resolve) => {
    stopWaiting = () => resolve(false);
  });

  // Routes wait for the first identity and bundle — or for shutdown, whichever comes first.
  const listening = Promise.race([whenMaterial(material).then(() => true), stopped]).then(async (go) => {
    if (!go) return [] as RunningListener[];
    const started = await Promise.allSettled([
      ...config.inbound.map((r) => startInbound(r, deps)),
      ...config.outbound.map((r) => startOutbound(r, deps)),
    ]);
    const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed || stopping) {
      await Promise.all(ok.map((l) => l.close()));
      if (failed) throw failed.reason;
    }
    return ok;
  });
  listening.catch(() => undefined); // observed by the caller; never an unhandled rejection

  return {
    material,
    metrics,
    admin,
    tracker,
    listening,
    ready: () => isReady(material, now()),
    shutdown: async () => {
      stopping = true;
      stopWaiting();
      logger.log('info', 'shutdown_started', { open_connections: tracker.size });
      const listeners = await listening.catch(() => [] as RunningListener[]);
      // server.close() resolves only when its connections are gone, so start it, drain, then wait.
      const closing = listeners.map((l) => l.close());
      const cut = await tracker.drain(config.limits.drainTimeoutMs);
      await Promise.all(closing);
      await admin.close();
      material.close();
      await releaseTelemetry();
      logger.log('info', 'shutdown_done', { connections_cut: cut });
      return cut;
    },
  };
}

function whenMaterial(material: TlsMaterial): Promise<void> {
  if (material.snapshot()) return Promise.resolve();
  return new Promise((resolve) => {
    const off = material.onChange(() => {
      off();
      resolve();
    });
  });
}
