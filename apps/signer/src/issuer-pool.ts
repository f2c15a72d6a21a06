import type { KeyObject } from 'node:crypto';
import { createLeafIssuer, type LeafIssuer } from '@trustmesh/pki';
import type { CaRecord } from '@trustmesh/store';
import { SignerError } from './errors';
import type { IssuerMaterial } from './sign-prepare';

/** Loads the private key of a CA from its `keyRef` (a path relative to the state directory). */
export type KeyLoader = (keyRef: string) => Promise<KeyObject>;

/** The issuer chosen for a type: the prepared LeafIssuer and the intermediate's record. */
export interface ActiveIssuer {
  issuer: LeafIssuer;
  record: CaRecord;
}

/** A CA's prepared LeafIssuer and its private key. */
export interface LoadedIssuer {
  issuer: LeafIssuer;
  key: KeyObject;
}

function isActiveIntermediate(ca: CaRecord): boolean {
  return ca.role === 'intermediate' && ca.state === 'active';
}

/** Per service type, the active intermediate that issues: the one with the latest notBefore. */
export function issuingCas(intermediates: readonly CaRecord[]): Map<string, CaRecord> {
  const byType = new Map<string, CaRecord>();
  for (const ca of intermediates) {
    if (!isActiveIntermediate(ca)) continue;
    const current = byType.get(ca.serviceType);
    if (!current || ca.notBefore.getTime() > current.notBefore.getTime()) byType.set(ca.serviceType, ca);
  }
  return byType;
}

/**
 * One prepared LeafIssuer per active issuing intermediate. Keys are loaded once per CA (at start,
 * and when the CLI activates a new intermediate while the signer runs); issuance then needs no I/O.
 */
export class IssuerPool {
  private readonly issuers = new Map<string, LoadedIssuer>();
  private byType = new Map<string, ActiveIssuer>();

  /** `onSync` hears every completed sync: the issuers by CA id and their key material. */
  constructor(
    private readonly loadKey: KeyLoader,
    private readonly onSync?: (byCaId: ReadonlyMap<string, LeafIssuer>, material: IssuerMaterial[]) => void,
  ) {}

  /**
   * Makes the pool match `intermediates`: loads keys of newly active ones, forgets the others.
   * Per type the active intermediate with the latest notBefore issues ({@link issuingCas}). A key
   * that fails to load rejects the whole sync with the first failure (KeystoreError/PkiError) and
   * leaves the previous state in place.
   */
  async sync(intermediates: readonly CaRecord[]): Promise<void> {
    const { loaded: next, failures } = await this.load(intermediates);
    if (failures.length > 0) throw failures[0].error;
    const byType = new Map<string, ActiveIssuer>();
    for (const [type, record] of issuingCas(intermediates)) {
      byType.set(type, { issuer: (next.get(record.id) as { issuer: LeafIssuer }).issuer, record });
    }
    const changed = next.size !== this.issuers.size || [...next.keys()].some((id) => !this.issuers.has(id));
    this.issuers.clear();
    for (const [id, issuer] of next) this.issuers.set(id, issuer);
    this.byType = byType;
    // Polls repeat the same set every second; listeners hear only changes.
    if (changed)
      this.onSync?.(
        new Map([...next.values()].map((e) => [e.issuer.caId, e.issuer])),
        [...next.values()].map((e) => ({ caCertificate: e.issuer.caCertificate, caPrivateKey: e.key })),
      );
  }

  /**
   * Prepares a LeafIssuer for every active intermediate of `intermediates` (keys already held are
   * reused, the others loaded with the pool's loader), changing nothing in the pool. Every CA whose
   * key cannot be loaded (KeystoreError) or prepared (PkiError) is listed in `failures`, in record
   * order; nothing is thrown for them. {@link sync} and `trustmesh signer --check` both load through here.
   */
  async load(
    intermediates: readonly CaRecord[],
  ): Promise<{ loaded: Map<string, LoadedIssuer>; failures: { ca: CaRecord; error: unknown }[] }> {
    const loaded = new Map<string, LoadedIssuer>();
    const failures: { ca: CaRecord; error: unknown }[] = [];
    for (const ca of intermediates) {
      if (!isActiveIntermediate(ca)) continue;
      const known = this.issuers.get(ca.id);
      if (known) {
        loaded.set(ca.id, known);
        continue;
      }
      try {
        const key = await this.loadKey(ca.keyRef);
        loaded.set(ca.id, { issuer: createLeafIssuer({ caCertificate: ca.certificateDer, caPrivateKey: key }), key });
      } catch (error) {
        failures.push({ ca, error });
      }
    }
    return { loaded, failures };
  }

  /** The issuer for `serviceType`, or undefined (never throws; {@link issuerFor} decides errors). */
  peek(serviceType: string): ActiveIssuer | undefined {
    return this.byType.get(serviceType);
  }

  /** The issuer for `serviceType`. Throws SignerError NO_ACTIVE_CA when it has none. */
  issuerFor(serviceType: string): ActiveIssuer {
    const found = this.byType.get(serviceType);
    if (!found) throw new SignerError('NO_ACTIVE_CA', serviceType);
    return found;
  }

  /** Number of types that can be issued for (readiness). */
  get typeCount(): number {
    return this.byType.size;
  }
}
