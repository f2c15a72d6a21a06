import type { KeyObject } from 'node:crypto';
import { createLeafIssuer, type LeafIssuer } from '@trustmesh/pki';
import type { CaRecord } from '@trustmesh/store';
import { SignerError } from './errors';

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
  private readonly issuers = new Map<string, LeafIssuer>();
  private byType = new Map<string, ActiveIssuer>();

  constructor(private readonly loadKey: KeyLoader) {}

  /**
   * Makes the pool match `intermediates`: loads keys of newly active ones, forgets the others.
   * Per type the active intermediate with the latest notBefore issues. A key that fails to load
   * rejects the whole sync (KeystoreError/PkiError) and leaves the previous state in place.
   */
  async sync(intermediates: readonly CaRecord[]): Promise<void> {
    const active = intermediates.filter((c) => c.role === 'intermediate' && c.state === 'active');
    const next = new Map<string, LeafIssuer>();
    for (const ca of active) {
      const known = this.issuers.get(ca.id);
      next.set(ca.id, known ?? createLeafIssuer({ caCertificate: ca.certificateDer, caPrivateKey: await this.loadKey(ca.keyRef) }));
    }
    const byType = new Map<string, ActiveIssuer>();
    for (const ca of active) {
      const current = byType.get(ca.serviceType);
      if (!current || ca.notBefore.getTime() > current.record.notBefore.getTime()) {
        byType.set(ca.serviceType, { issuer: next.get(ca.id) as LeafIssuer, record: ca });
      }
    }
    this.issuers.clear();
    for (const [id, issuer] of next) this.issuers.set(id, issuer);
    this.byType = byType;
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
