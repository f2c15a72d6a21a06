import type { SecureContextOptions } from 'node:tls';
import { Server, type ServerUnaryCall, type handleUnaryCall } from '@grpc/grpc-js';
import { pemEncode } from '@trustmesh/pki';
import type { MeshConfig } from '@trustmesh/policy';
import { CertificateAuthorityService, HealthService, type CertificateAuthorityServer } from '@trustmesh/proto';
import type { Store } from '@trustmesh/store';
import { createNoopTelemetry, withSpan, type Telemetry } from '@trustmesh/telemetry';
import { startAdminServer, type AdminServer } from './admin-http';
import { BundleService } from './bundle-service';
import { trustedRoots, X509Cache, type CaSnapshot } from './ca-snapshot';
import { CaWatcher } from './ca-watcher';
import { CpuPool } from './cpu-pool';
import { DEFAULT_SIGNER_OPTIONS, type HostPort, type SignerOptions } from './config';
import { SignerError } from './errors';
import { createHealthServer } from './health';
import { IssuerPool, type KeyLoader } from './issuer-pool';
import { SignerMetrics } from './metrics';
import { WriteBatcher } from './write-batcher';
import { RateLimiter } from './rate-limit';
import { issueServingIdentity, renewDelayMs, SwappableServerCredentials, type ServingIdentity } from './serving-cert';
import { handleSign, type CallerInfo } from './sign-handler';
import { handleReportStatus } from './status-handler';
import { mapError, toServiceError, type MappedError } from './status-map';

/** Everything the signer is composed from; the caller owns (and closes) store and telemetry. */
export interface SignerDeps {
  store: Store;
  mesh: MeshConfig;
  /** Loads a CA key by its store `keyRef` (the passphrase is bound in by the caller). */
  loadKey: KeyLoader;
  /** The clock; read once per request. */
  now: () => Date;
  listen: HostPort;
  adminListen?: HostPort;
  telemetry?: Telemetry;
  options?: Partial<SignerOptions>;
  /** Operator log lines (default: none). */
  log?: (line: string) => void;
}

/** A running signer. */
export interface Signer {
  /** The bound gRPC port (useful with port 0). */
  readonly port: number;
  /** The bound admin HTTP port, when an admin listener was asked for. */
  readonly adminPort?: number;
  /** The current serving certificate. */
  serving(): Pick<ServingIdentity, 'serialHex' | 'notBefore' | 'notAfter'>;
  /** Polls the store now instead of waiting for the timer (tests, tools). */
  refresh(): Promise<void>;
  /** Number of open WatchTrustBundle streams. */
  readonly watchStreams: number;
  /** Stops accepting, ends streams, waits up to `graceMs` (default 5000) for calls, then forces. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the signing service: loads every active issuing intermediate's key once, issues its own
 * serving certificate from the platform CA (renewed at 2/3 of its lifetime), binds the gRPC server
 * (CertificateAuthority + grpc.health.v1, TLS with optional client certificates, bounded message
 * size) and, when asked, the admin HTTP listener. Starts polling the store for CA changes.
 * Rejects with SignerError NO_ACTIVE_CA (no platform intermediate), LISTEN_FAILED, or the
 * store/keystore/pki error that stopped key loading; nothing stays bound on failure.
 */
export async function createSigner(deps: SignerDeps): Promise<Signer> {
  const o: SignerOptions = { ...DEFAULT_SIGNER_OPTIONS, ...deps.options };
  const log = deps.log ?? (() => undefined);
  const cpu = await CpuPool.start(o.cpuWorkers, deps.mesh, log);
  try {
    return await startWithPool(deps, o, log, cpu);
  } catch (err) {
    await cpu.close();
    throw err;
  }
}

async function startWithPool(
  deps: SignerDeps,
  o: SignerOptions,
  log: (line: string) => void,
  cpu: CpuPool,
): Promise<Signer> {
  const telemetry = deps.telemetry ?? createNoopTelemetry();
  const metrics = new SignerMetrics(telemetry.meter);
  const pool = new IssuerPool(deps.loadKey, (byCaId, material) => cpu.setIssuers(byCaId, material));
  const watcher = await CaWatcher.create(deps.store, pool, log);
  telemetry.meter
    .createObservableGauge('trustmesh_bundle_version', { description: 'Trust bundle version the signer serves' })
    .addCallback((r) => r.observe(watcher.snapshot.version));
  const limiter = new RateLimiter(o.rateLimits);
  const x509 = new X509Cache();
  const writes = new WriteBatcher(deps.store);
  const bundles = new BundleService(watcher, deps.mesh, metrics, o);
  let closing = false;
  const healthWatches = new Set<() => void>();

  const servingArgs = {
    pool,
    store: deps.store,
    mesh: deps.mesh,
    ttlSeconds: o.servingCertTtlSeconds,
    extraSans: o.servingSans,
  };
  let serving = await issueServingIdentity({ ...servingArgs, now: deps.now() });
  // grpc-js hands a handler the client certificate only when the TLS layer authorized it, so the
  // transport trusts every type's live roots (real clock); the handlers then check the type, the
  // instance and validity at the injected clock (peer-auth).
  const tlsContext = (): SecureContextOptions => ({ ...serving.context, ca: trustedRootsPem(watcher.snapshot) });
  const credentials = new SwappableServerCredentials(tlsContext());
  watcher.subscribe(() => credentials.swap(tlsContext()));

  const common = {
    writes,
    mesh: deps.mesh,
    now: deps.now,
    snapshot: () => watcher.snapshot,
    limiter,
    metrics,
    tracer: telemetry.tracer,
    x509,
  };
  const guard = (): void => {
    if (closing) throw new SignerError('SHUTTING_DOWN');
  };
  const ca: CertificateAuthorityServer = {
    sign: unary(async (req, caller) => {
      guard();
      return handleSign({ ...common, pool, cpu, log }, req, caller);
    }),
    getTrustBundle: unary(async (req, caller) => {
      guard();
      // The rotation hint is per caller type: the caller's mTLS certificate (if any) decides it.
      return withSpan(telemetry.tracer, 'trustmesh.v1.CertificateAuthority/GetTrustBundle', {}, () =>
        bundles.get(req, caller.peerLeaf),
      );
    }),
    watchTrustBundle: (call) => {
      if (closing) return void call.emit('error', toServiceError(mapError(new SignerError('SHUTTING_DOWN'))));
      // The span covers opening the stream (validation, first bundle), not its lifetime.
      void withSpan(telemetry.tracer, 'trustmesh.v1.CertificateAuthority/WatchTrustBundle', {}, () =>
        bundles.watch(call),
      );
    },
    reportStatus: unary(async (req, caller) => {
      guard();
      return handleReportStatus(common, req, caller);
    }),
  };

  const ready = (): boolean => !closing && watcher.healthy && pool.typeCount > 0;
  const server = new Server({
    'grpc.max_receive_message_length': o.maxMessageBytes,
    'grpc.max_send_message_length': o.maxMessageBytes,
    // Transport keepalive: find dead watch streams even when the bundle is quiet.
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    // channelz bookkeeping costs CPU on every call and nothing here reads it.
    'grpc.enable_channelz': 0,
  });
  server.addService(CertificateAuthorityService, ca);
  server.addService(
    HealthService,
    createHealthServer(ready, 1000, (stop) => {
      healthWatches.add(stop);
      return () => healthWatches.delete(stop);
    }),
  );
  const host = deps.listen.host.includes(':') ? `[${deps.listen.host}]` : deps.listen.host;
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host}:${deps.listen.port}`, credentials, (err, p) => (err ? reject(err) : resolve(p))),
    );
  } catch (err) {
    server.forceShutdown();
    throw new SignerError('LISTEN_FAILED', `${host}:${deps.listen.port}: ${(err as Error).message}`, { cause: err });
  }
  let admin: AdminServer | undefined;
  try {
    if (deps.adminListen) admin = await startAdminServer(deps.adminListen, telemetry, ready);
  } catch (err) {
    server.forceShutdown();
    throw err;
  }

  let renewTimer: NodeJS.Timeout | undefined;
  const scheduleRenewal = (delayMs: number): void => {
    // setTimeout holds at most ~24.8 days; a longer wait just re-checks then.
    renewTimer = setTimeout(renewServing, Math.min(delayMs, 2 ** 31 - 1));
    renewTimer.unref();
  };
  async function renewServing(): Promise<void> {
    if (closing) return;
    try {
      serving = await issueServingIdentity({ ...servingArgs, now: deps.now() });
      credentials.swap(tlsContext());
      log(`serving certificate renewed: serial ${serving.serialHex}, not after ${serving.notAfter.toISOString()}`);
      scheduleRenewal(renewDelayMs(serving, deps.now()));
    } catch (err) {
      log(`serving certificate renewal failed, retrying in 30 s: ${(err as Error).message}`);
      scheduleRenewal(30_000);
    }
  }
  scheduleRenewal(renewDelayMs(serving, deps.now()));
  watcher.start(o.pollIntervalMs);

  let closed: Promise<void> | undefined;
  return {
    port,
    ...(admin ? { adminPort: admin.port } : {}),
    serving: () => ({ serialHex: serving.serialHex, notBefore: serving.notBefore, notAfter: serving.notAfter }),
    refresh: () => watcher.poll(),
    get watchStreams() {
      return bundles.openStreams;
    },
    close(graceMs = 5000) {
      closed ??= (async () => {
        closing = true;
        if (renewTimer) clearTimeout(renewTimer);
        bundles.closeAll();
        for (const stop of [...healthWatches]) stop();
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, graceMs);
          server.tryShutdown(() => {
            clearTimeout(force);
            resolve();
          });
        });
        await writes.drain();
        await cpu.close();
        await watcher.stop();
        await admin?.close();
      })();
      return closed;
    },
  };
}

/** PEM of every root a client certificate may chain to (all types; active, incoming, retiring). */
function trustedRootsPem(s: CaSnapshot): string {
  const types = new Set(s.roots.map((r) => r.serviceType));
  return [...types]
    .flatMap((t) => trustedRoots(s, t))
    .map((r) => pemEncode('CERTIFICATE', r.certificateDer))
    .join('');
}

/** Adapts an async handler to grpc-js, mapping every failure through the one error mapping. */
function unary<Req, Res>(fn: (req: Req, caller: CallerInfo) => Promise<Res>): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback) => {
    fn(call.request, callerOf(call)).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toServiceError(isMapped(err) ? err : mapError(err))),
    );
  };
}

function callerOf(call: ServerUnaryCall<unknown, unknown>): CallerInfo {
  const raw = call.getAuthContext()?.sslPeerCertificate?.raw;
  return { peerAddress: call.getPeer(), ...(raw && raw.length > 0 ? { peerLeaf: raw } : {}) };
}

function isMapped(err: unknown): err is MappedError {
  const e = err as Partial<MappedError> | undefined;
  return typeof e?.code === 'number' && typeof e.reason === 'string' && typeof e.outcome === 'string';
}
