import { X509Certificate, type KeyObject } from 'node:crypto';
import { META, renewBeforeMetaKey } from '@trustmesh/ca';
import { AnchorState, type TrustBundle } from '@trustmesh/proto';
import type { CaRecord, Store } from '@trustmesh/store';

/** The CA state the signer works from: read from the store, compared by `fingerprint`. */
export interface CaSnapshot {
  /** Store meta `bundle_version` (0 when unset). */
  version: number;
  /**
   * Per service type, store meta `renew_before_unix:<type>` (types without the meta are absent):
   * the renew-before hint of a root rotation, sent only to that type's sidecars.
   */
  renewBefore: ReadonlyMap<string, number>;
  roots: CaRecord[];
  intermediates: CaRecord[];
  /** Identifies the anchor and issuer set; a change means "push a new bundle, resync issuers". */
  fingerprint: string;
}

const ANCHOR_STATES: Partial<Record<CaRecord['state'], AnchorState>> = {
  active: AnchorState.ACTIVE,
  incoming: AnchorState.INCOMING,
  retiring: AnchorState.RETIRING,
};

/** Reads the CA records and bundle meta. Store errors propagate (the caller keeps its last snapshot). */
export async function readSnapshot(store: Store): Promise<CaSnapshot> {
  const [cas, version] = await Promise.all([store.listCas(), store.getMeta(META.bundleVersion)]);
  const sorted = [...cas].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const types = [...new Set(sorted.map((c) => c.serviceType))].sort();
  // One meta read per type with CAs: the store has no "list meta" and types are few.
  const hints = await Promise.all(types.map((t) => store.getMeta(renewBeforeMetaKey(t))));
  const renewBefore = new Map<string, number>();
  types.forEach((t, i) => {
    const rb = toCount(hints[i] ?? null);
    if (rb > 0) renewBefore.set(t, rb);
  });
  const v = toCount(version);
  const rbText = [...renewBefore].map(([t, rb]) => `${t}=${rb}`).join(',');
  return {
    version: v,
    renewBefore,
    roots: sorted.filter((c) => c.role === 'root'),
    intermediates: sorted.filter((c) => c.role === 'intermediate'),
    fingerprint: `${v}|${rbText}|${sorted.map((c) => `${c.id}:${c.role}:${c.state}:${c.serviceType}`).join(',')}`,
  };
}

function toCount(text: string | null): number {
  const n = text === null ? 0 : Number(text);
  // A malformed meta value is treated as 0 rather than crashing the poll loop; the CLI owns it.
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** Service types present in the snapshot (those with at least one root). */
export function snapshotTypes(s: CaSnapshot): Set<string> {
  return new Set(s.roots.map((r) => r.serviceType));
}

/**
 * The trust bundle for `types` (all types when empty): each type's roots in state active,
 * incoming or retiring, with that state; retired and standby roots are left out.
 * `renewBeforeUnix` is the hint of `callerType` (the service type of the caller's mesh
 * certificate): 0 when the type has none or the caller presented no mesh certificate.
 */
export function bundleFor(s: CaSnapshot, types: readonly string[], callerType?: string): TrustBundle {
  const wanted = types.length > 0 ? new Set(types) : snapshotTypes(s);
  const byType = new Map<string, TrustBundle['types'][number]>();
  for (const root of s.roots) {
    const state = ANCHOR_STATES[root.state];
    if (state === undefined || !wanted.has(root.serviceType)) continue;
    let entry = byType.get(root.serviceType);
    if (!entry) {
      entry = { serviceType: root.serviceType, anchors: [] };
      byType.set(root.serviceType, entry);
    }
    entry.anchors.push({ caId: root.id, certificate: root.certificateDer, state });
  }
  const out = [...byType.values()].sort((a, b) => (a.serviceType < b.serviceType ? -1 : 1));
  const renewBeforeUnix = callerType === undefined ? 0 : (s.renewBefore.get(callerType) ?? 0);
  return { version: s.version, types: out, renewBeforeUnix };
}

/** Roots of `type` a peer may chain to (active, incoming, retiring). */
export function trustedRoots(s: CaSnapshot, type: string): CaRecord[] {
  return s.roots.filter((r) => r.serviceType === type && ANCHOR_STATES[r.state] !== undefined);
}

/** Intermediates of `type` that may have issued a live peer certificate (not retired). */
export function peerIntermediates(s: CaSnapshot, type: string): CaRecord[] {
  return s.intermediates.filter((r) => r.serviceType === type && r.state !== 'retired');
}

/** A CA certificate parsed once: the X509Certificate and its public key. */
export interface ParsedCa {
  x509: X509Certificate;
  publicKey: KeyObject;
}

/**
 * A client certificate that passed every check that depends only on its bytes and the CA
 * snapshot; what is left per call are the validity windows (leaf, issuer, root, in that order)
 * at the request's clock.
 */
export interface VerifiedPeer {
  identity: { serviceType: string; instanceId: string; spiffeId: string; serialHex: string };
  windows: { notBefore: number; notAfter: number; what: string }[];
}

/** Bound on remembered peer certificates; the map starts over when full. */
const MAX_PEERS = 4096;

/**
 * Parsed CA certificates per CA id, and verified issuer links between them, cached: a CA id is
 * the hash of its key and its certificate never changes, so neither does a verified link.
 * Also remembers verified peer certificates (by DER) for the current snapshot only, so a client
 * renewing over one connection is parsed and signature-checked once, not on every call.
 */
export class X509Cache {
  private readonly map = new Map<string, ParsedCa>();
  private readonly links = new Map<string, boolean>();
  private readonly peers = new Map<string, VerifiedPeer>();
  private peersOf?: CaSnapshot;

  /** The remembered verification of `leafDer` under snapshot `s`, if any. */
  verifiedPeer(s: CaSnapshot, leafDer: Buffer): VerifiedPeer | undefined {
    if (this.peersOf !== s) return undefined;
    return this.peers.get(leafDer.toString('latin1'));
  }

  /** Remembers a verification made under snapshot `s` (a new snapshot forgets all others). */
  rememberPeer(s: CaSnapshot, leafDer: Buffer, v: VerifiedPeer): void {
    if (this.peersOf !== s || this.peers.size >= MAX_PEERS) {
      this.peers.clear();
      this.peersOf = s;
    }
    this.peers.set(leafDer.toString('latin1'), v);
  }

  get(ca: CaRecord): ParsedCa {
    let p = this.map.get(ca.id);
    if (!p) {
      const x509 = new X509Certificate(ca.certificateDer);
      p = { x509, publicKey: x509.publicKey };
      this.map.set(ca.id, p);
    }
    return p;
  }

  /** True when `child` is issued by `parent` (names match and the signature verifies). */
  issuedBy(child: CaRecord, parent: CaRecord): boolean {
    const key = `${child.id}<${parent.id}`;
    let ok = this.links.get(key);
    if (ok === undefined) {
      const c = this.get(child).x509;
      ok = c.checkIssued(this.get(parent).x509) && c.verify(this.get(parent).publicKey);
      this.links.set(key, ok);
    }
    return ok;
  }
}
