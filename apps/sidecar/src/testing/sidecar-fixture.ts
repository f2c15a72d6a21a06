/**
 * Starts a real sidecar in-process for a test: config from YAML (ports 0), in-memory identity
 * and trust stores, a memory logger, and the bound ports by route name.
 */
import { parseConfig } from '../config/parse-config';
import { IdentityStore } from '../identity/identity-source';
import type { Identity } from '../identity/identity';
import { MemoryLogger } from '../observe/logger';
import { startSidecar, type RunningSidecar } from '../sidecar';
import { TrustStore, type TrustBundle } from '../trust/trust-source';

/** A started test sidecar. */
export interface TestSidecar {
  readonly sidecar: RunningSidecar;
  readonly identities: IdentityStore;
  readonly trust: TrustStore;
  readonly logger: MemoryLogger;
  /** Bound port per route name. */
  readonly ports: Readonly<Record<string, number>>;
  readonly adminPort: number;
  /** Log entries with this event name. */
  events(event: string): Record<string, unknown>[];
  stop(): Promise<number>;
}

/** Inputs of {@link startTestSidecar}. */
export interface TestSidecarOptions {
  /** YAML for `inbound`, `outbound` and optionally `limits`/`tlsMinVersion`; the rest is filled in. */
  yaml: string;
  identity?: Identity | Identity[];
  bundle?: TrustBundle;
  fetchBundle?: () => Promise<TrustBundle | undefined>;
  serviceType?: string;
}

/** Starts the sidecar and waits until every route listens (when identity and bundle are given). */
export async function startTestSidecar(o: TestSidecarOptions): Promise<TestSidecar> {
  const config = parseConfig(
    [
      `serviceType: ${o.serviceType ?? 'api'}`,
      'instanceId: test-1',
      'signer: { address: 127.0.0.1:7443, caFile: ca.pem, tokenFile: token }',
      'admin: { listen: 127.0.0.1:0 }',
      ...(o.yaml.includes('limits:') ? [] : ['limits: { drainTimeout: 200ms }']),
      o.yaml,
    ].join('\n'),
  );
  const identities = new IdentityStore();
  for (const i of [o.identity ?? []].flat()) identities.set(i);
  const trust = new TrustStore({ fetch: o.fetchBundle });
  if (o.bundle) trust.set(o.bundle);
  const logger = new MemoryLogger();
  const sidecar = await startSidecar({ config, identities, trust, logger });
  const ports: Record<string, number> = {};
  if (o.identity && o.bundle) {
    for (const l of await sidecar.listening) ports[l.name] = l.address.port;
  }
  return {
    sidecar,
    identities,
    trust,
    logger,
    ports,
    adminPort: sidecar.admin.address.port,
    events: (event) => logger.entries.filter((e) => e.event === event).map((e) => e.fields as Record<string, unknown>),
    stop: () => sidecar.shutdown(),
  };
}
