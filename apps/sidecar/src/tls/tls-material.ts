/**
 * Builds every TLS context the proxy needs from the identity and trust sources, once per change
 * (never per connection: a SecureContext costs ~1.3 ms on OpenSSL 3.0, docs/BENCHMARKS.md "The anchors"), and
 * publishes them as one immutable snapshot. A rebuild that fails keeps the last good snapshot.
 */
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import type { Identity } from '../identity/identity';
import type { IdentitySource } from '../identity/identity-source';
import type { Logger } from '../observe/logger';
import type { Metrics } from '../observe/metrics';
import type { TrustSource } from '../trust/trust-source';

/** One identity ready to dial a peer type. */
export interface OutboundContext {
  readonly identity: Identity;
  readonly context: SecureContext;
}

/** An immutable, fully built set of contexts. */
export interface TlsSnapshot {
  /** Increases on every successful rebuild; sessions cached under an older generation are dropped. */
  readonly generation: number;
  readonly identity: Identity;
  readonly bundleVersion: number;
  /** The mesh trust domain: the one in our own SPIFFE ID. */
  readonly trustDomain: string;
  /** Server options per accept set (key = sorted types joined by `,`), for `server.setSecureContext`. */
  readonly inbound: ReadonlyMap<string, SecureContextOptions>;
  /** Per peer type: contexts for every identity usable at build time, newest first. */
  readonly outbound: ReadonlyMap<string, readonly OutboundContext[]>;
}

/** Options of {@link TlsMaterial}. */
export interface TlsMaterialOptions {
  identities: IdentitySource;
  trust: TrustSource;
  /** Default `TLSv1.3`. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Accept sets of the inbound routes. */
  acceptSets: readonly (readonly string[])[];
  /** Peer types of the outbound routes. */
  peerTypes: readonly string[];
  metrics: Metrics;
  logger: Logger;
  now?: () => Date;
}

/** Key of an accept set in {@link TlsSnapshot.inbound}. */
export function acceptKey(types: readonly string[]): string {
  return [...types].sort().join(',');
}

/**
 * Subscribes to both sources and rebuilds on every change. `snapshot()` is `undefined` until an
 * identity and a bundle are both held (readiness). Listeners run after each successful swap.
 */
export class TlsMaterial {
  private state: TlsSnapshot | undefined;
  private generation = 0;
  private readonly listeners = new Set<(s: TlsSnapshot) => void>();
  private readonly unsubscribe: (() => void)[];
  private readonly now: () => Date;

  constructor(private readonly o: TlsMaterialOptions) {
    this.now = o.now ?? (() => new Date());
    const rebuild = () => this.rebuild();
    this.unsubscribe = [o.identities.onChange(rebuild), o.trust.onChange(rebuild)];
    this.rebuild();
  }

  /** The last good snapshot, or `undefined` while identity or bundle is missing. */
  snapshot(): TlsSnapshot | undefined {
    return this.state;
  }

  /** Runs `listener` after every successful rebuild; returns an unsubscribe function. */
  onChange(listener: (s: TlsSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Rebuilds from the sources now. Returns whether a new snapshot was published. On failure
   * (unusable key/cert/roots) the previous snapshot stays in force, the failure is logged and
   * counted as `tls_rebuilds_total{outcome="failed"}`.
   */
  rebuild(): boolean {
    const identities = this.o.identities.usable(this.now());
    const bundle = this.o.trust.current();
    if (identities.length === 0 || !bundle) return false;
    let next: TlsSnapshot;
    try {
      next = this.build(identities, bundle.rootsPem, bundle.version);
    } catch (e) {
      this.o.metrics.add('trustmesh_sidecar_tls_rebuilds_total', { outcome: 'failed' });
      this.o.logger.log('error', 'tls_rebuild_failed', {
        error: e instanceof Error ? e.message : String(e),
        kept_generation: this.state?.generation ?? null,
      });
      return false;
    }
    this.state = next;
    this.o.metrics.add('trustmesh_sidecar_tls_rebuilds_total', { outcome: 'ok' });
    this.o.logger.log('info', 'tls_rebuilt', {
      generation: next.generation,
      serial: next.identity.serialHex,
      bundle_version: next.bundleVersion,
    });
    for (const l of [...this.listeners]) l(next);
    return true;
  }

  /** Stops listening to the sources. */
  close(): void {
    for (const u of this.unsubscribe) u();
    this.listeners.clear();
  }

  private build(
    identities: readonly Identity[],
    roots: ReadonlyMap<string, readonly string[]>,
    bundleVersion: number,
  ): TlsSnapshot {
    const minVersion = this.o.minVersion ?? 'TLSv1.3';
    const current = identities[0];
    const ca = (types: readonly string[]) => types.flatMap((t) => roots.get(t) ?? []);
    const inbound = new Map<string, SecureContextOptions>();
    for (const set of this.o.acceptSets) {
      // `ca` is always an array, possibly empty: an empty array means "trust nothing", whereas an
      // absent `ca` would mean Node's public root store — fail closed.
      const options: SecureContextOptions = { key: current.keyPem, cert: current.chainPem, ca: ca(set), minVersion };
      createSecureContext(options); // validates now, so a bad pair never reaches a live server
      inbound.set(acceptKey(set), Object.freeze(options));
    }
    const outbound = new Map<string, OutboundContext[]>();
    for (const peerType of new Set(this.o.peerTypes)) {
      outbound.set(
        peerType,
        identities.map((identity) => ({
          identity,
          context: createSecureContext({
            key: identity.keyPem,
            cert: identity.chainPem,
            ca: ca([peerType]),
            minVersion,
          }),
        })),
      );
    }
    this.generation += 1;
    return Object.freeze({
      generation: this.generation,
      identity: current,
      bundleVersion,
      trustDomain: current.spiffe.trustDomain,
      inbound,
      outbound,
    });
  }
}
