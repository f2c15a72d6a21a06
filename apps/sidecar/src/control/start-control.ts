/**
 * Composes a whole sidecar from a validated config: the signer client, the identity manager
 * (issuance + renewal into an IdentityStore), the trust manager (WatchTrustBundle into a
 * TrustStore), the status reporter, and the data plane (`startSidecar`) reading those sources.
 */
import type { Telemetry } from '@trustmesh/telemetry';
import type { SidecarConfig } from '../config/types';
import { IdentityStore } from '../identity/identity-source';
import { JsonLogger, type Logger } from '../observe/logger';
import { MetricsRegistry } from '../observe/metrics';
import { startSidecar, type RunningSidecar } from '../sidecar';
import { systemClock, type Clock, type UniformRandom } from './clock';
import { IdentityManager } from './identity-manager';
import { fileKeySource, memoryKeySource } from './key-source';
import type { BackoffPolicy } from '@trustmesh/policy';
import { readSignerCa } from './signer-ca';
import { SignerClient } from './signer-client';
import { StatusReporter } from './status-reporter';
import { TrustManager } from './trust-manager';

/** Tuning of {@link startControlledSidecar}; every field has a production default. */
export interface ControlOptions {
  logger?: Logger;
  metrics?: MetricsRegistry;
  /** Where the data plane's metrics are exported; see `SidecarOptions.telemetry` (default: its own, Prometheus only). */
  telemetry?: Telemetry;
  clock?: Clock;
  random?: UniformRandom;
  backoff?: BackoffPolicy;
  /** Unary call deadline towards the signer. Default 10 s. */
  deadlineMs?: number;
  /** grpc-js reconnect backoff cap. Default 5 s. */
  reconnectMaxMs?: number;
  /** ReportStatus period. Default 60 s. */
  statusIntervalMs?: number;
  /** Previous identities kept for fallback, the current one included. Default 3. */
  keepIdentities?: number;
  /** The signer CA PEM when already read and checked (by `preflight`). Default: read from `config.signer.caFile`. */
  caPem?: Buffer;
}

/** A running sidecar with its control plane. */
export interface ControlledSidecar {
  readonly sidecar: RunningSidecar;
  readonly identity: IdentityManager;
  readonly trust: TrustManager;
  readonly reporter: StatusReporter;
  readonly client: SignerClient;
  readonly identities: IdentityStore;
  /** Readiness: a valid identity and a trust bundle are held. */
  ready(): boolean;
  /** Stops the managers, drains the data plane, closes the signer channels. Resolves with connections cut. */
  shutdown(): Promise<number>;
}

/** The types whose roots a sidecar needs: every inbound accept type and outbound peer type (its own type when it has no route). */
export function trustTypesOf(config: SidecarConfig): string[] {
  const types = new Set<string>([
    ...config.inbound.flatMap((r) => r.accept),
    ...config.outbound.map((r) => r.peerType),
  ]);
  if (types.size === 0) types.add(config.serviceType);
  return [...types].sort();
}

/**
 * Starts everything; the routes listen once the first identity and bundle arrive (until then
 * readiness is false and the managers keep retrying — a signer down at start is not fatal).
 * @throws ControlError `CA_FILE_UNREADABLE` (see `readSignerCa`); SidecarError `LISTEN_FAILED` (admin address).
 */
export async function startControlledSidecar(
  config: SidecarConfig,
  o: ControlOptions = {},
): Promise<ControlledSidecar> {
  const logger = o.logger ?? new JsonLogger();
  const metrics = o.metrics ?? new MetricsRegistry();
  const clock = o.clock ?? systemClock;
  const random = o.random ?? Math.random;
  const caPem = o.caPem ?? (await readSignerCa(config.signer.caFile));
  const client = new SignerClient({
    address: config.signer.address,
    caPem,
    ...(o.deadlineMs ? { deadlineMs: o.deadlineMs } : {}),
    ...(o.reconnectMaxMs ? { reconnectMaxMs: o.reconnectMaxMs } : {}),
  });
  const identities = new IdentityStore({ keep: o.keepIdentities ?? 3 });
  const common = { clock, random, logger, ...(o.backoff ? { backoff: o.backoff } : {}) };
  const identity = new IdentityManager({
    ...common,
    client,
    store: identities,
    serviceType: config.serviceType,
    instanceId: config.instanceId,
    tokenFile: config.signer.tokenFile,
    keys: config.keyFile ? fileKeySource(config.keyFile) : memoryKeySource(),
  });
  const trust = new TrustManager({
    ...common,
    client,
    types: trustTypesOf(config),
    onRenewBefore: (hint) => identity.setRenewBefore(hint),
  });
  const reporter = new StatusReporter({
    ...common,
    client,
    identities,
    trust: trust.store,
    serviceType: config.serviceType,
    instanceId: config.instanceId,
    caIdOf: (s) => identity.caIdOf(s),
    metrics,
    outbound: config.outbound,
    ...(o.statusIntervalMs ? { intervalMs: o.statusIntervalMs } : {}),
  });
  let sidecar: RunningSidecar;
  try {
    sidecar = await startSidecar({
      config,
      identities,
      trust: trust.store,
      logger,
      metrics,
      now: () => clock.now(),
      nextRenewal: () => identity.nextAttempt(),
      ...(o.telemetry ? { telemetry: o.telemetry } : {}),
    });
  } catch (err) {
    client.close();
    throw err;
  }
  identity.start();
  trust.start();
  reporter.start();
  let stopping: Promise<number> | undefined;
  return {
    sidecar,
    identity,
    trust,
    reporter,
    client,
    identities,
    ready: () => sidecar.ready() && trust.store.current() !== undefined,
    shutdown: () => {
      stopping ??= (async () => {
        identity.stop();
        trust.stop();
        reporter.stop();
        try {
          return await sidecar.shutdown();
        } finally {
          client.close();
        }
      })();
      return stopping;
    },
  };
}
