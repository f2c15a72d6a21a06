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

/**
 * One prepared LeafIssuer per active issuing intermediate. Keys are loaded once per CA (at start,
 * and when the CLI activates a new intermediate while the signer runs); issuance then needs no I/O.
 */
export class IssuerPool {
  private readonly issuers = new Map<string, { issuer: LeafIssuer; key: KeyObject }>();
  private byType = new Map<string, ActiveIssuer>();

  /** `onSync` hears every completed sync: the issuers by CA id and their key material. */
  constructor(
    private readonly loadKey: KeyLoader,
    private readonly onSync?: (byCaId: ReadonlyMap<string, LeafIssuer>, material: IssuerMaterial[]) => void,
  ) {}

  /**
   * Makes the pool match `intermediates`: loads keys of newly active ones, forgets the others.
   * Per type the active intermediate with the latest notBefore issues. A key that fails to load
   * rejects the whole sync (KeystoreError/PkiError) and leaves the previous state in place.
   */
  async sync(intermediates: readonly CaRecord[]): Promise<void> {
    const active = intermediates.filter((c) => c.role === 'intermediate' && c.state === 'active');
    const next = new Map<string, { issuer: LeafIssuer; key: KeyObject }>();
    for (const ca of active) {
      const known = this.issuers.get(ca.id);
      if (known) next.set(ca.id, known);
      else {
        const key = await this.loadKey(ca.keyRef);
        next.set(ca.id, { issuer: createLeafIssuer({ caCertificate: ca.certificateDer, caPrivateKey: key }), key });
      }
    }
    const byType = new Map<string, ActiveIssuer>();
    for (const ca of active) {
      const current = byType.get(ca.serviceType);
      if (!current || ca.notBefore.getTime() > current.record.notBefore.getTime()) {
        byType.set(ca.serviceType, { issuer: (next.get(ca.id) as { issuer: LeafIssuer }).issuer, record: ca });
      }
    }
    const changed = next.size !== this.issuers.size || [...next.keys()].some((id) => !this.issuers.has(id));
    this.issuers.clear();
    for (const [id, issuer] of next) this.issuers.set(id, issuer);
    this.byType = byType;
    // Polls repeat the same set every second; listeners hear only changes.
    if (changed) this.onSync?.(
      new Map([...next.values()].map((e) => [e.issuer.caId, e.issuer])),
      [...next.values()].map((e) => ({ caCertificate: e.issuer.caCertificate, caPrivateKey: e.key })),
    );
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
