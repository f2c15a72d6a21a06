import type { KeyObject } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';
import { ServerCredentials } from '@grpc/grpc-js';
import { PLATFORM_TYPE } from '@trustmesh/ca';
import {
  exportPrivateKey,
  generateKeyPair,
  pemEncode,
  spiffeId,
  spkiPin,
  type IssuedLeaf,
  type LeafIssuer,
} from '@trustmesh/pki';
import type { MeshConfig } from '@trustmesh/policy';
import type { Store } from '@trustmesh/store';
import type { IssuerPool } from './issuer-pool';

/** The signer's current TLS identity. */
export interface ServingIdentity {
  context: SecureContextOptions;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
}

/** A serving certificate minted in memory: its key, leaf and SANs, not yet recorded anywhere. */
export interface ServingLeaf {
  keys: { privateKey: KeyObject; publicKey: KeyObject };
  leaf: IssuedLeaf;
  sans: { dns: string[]; ips: string[]; uris: string[] };
  uri: string;
}

/**
 * Mints the signer's serving certificate from `issuer` (the active platform intermediate): a
 * fresh P-256 key, SANs `localhost`, `127.0.0.1`, `::1`, the extra ones given, and
 * `spiffe://<td>/platform/signer`. Pure computation: nothing is recorded (a start records it
 * through {@link issueServingIdentity}; `trustmesh signer --check` only mints it).
 * Throws PkiError (e.g. VALIDITY_INVALID when the intermediate has expired at `now`).
 */
export function mintServingLeaf(d: {
  issuer: LeafIssuer;
  mesh: MeshConfig;
  now: Date;
  ttlSeconds: number;
  extraSans: { dns: string[]; ips: string[] };
}): ServingLeaf {
  const keys = generateKeyPair('ec-p256');
  const uri = spiffeId(d.mesh.trustDomain, PLATFORM_TYPE, 'signer');
  const sans = {
    dns: [...new Set(['localhost', ...d.extraSans.dns])],
    ips: [...new Set(['127.0.0.1', '::1', ...d.extraSans.ips])],
    uris: [uri],
  };
  const leaf = d.issuer.issue({ publicKey: keys.publicKey, sans, now: d.now, ttlSeconds: d.ttlSeconds });
  return { keys, leaf, sans, uri };
}

/**
 * Issues the signer's TLS serving certificate from the active platform intermediate
 * ({@link mintServingLeaf}: a fresh P-256 key held in memory only); recorded in the store and
 * audited like any issuance.
 * Throws SignerError NO_ACTIVE_CA without a platform intermediate, store/pki errors otherwise.
 */
export async function issueServingIdentity(d: {
  pool: IssuerPool;
  store: Store;
  mesh: MeshConfig;
  now: Date;
  ttlSeconds: number;
  extraSans: { dns: string[]; ips: string[] };
}): Promise<ServingIdentity> {
  const { issuer, record } = d.pool.issuerFor(PLATFORM_TYPE);
  const { keys, leaf, sans, uri } = mintServingLeaf({
    issuer,
    mesh: d.mesh,
    now: d.now,
    ttlSeconds: d.ttlSeconds,
    extraSans: d.extraSans,
  });
  const serialHex = leaf.serialHex.toLowerCase(); // the store's form
  await d.store.transaction(async (s) => {
    await s.recordIssued({
      serialHex,
      serviceType: PLATFORM_TYPE,
      instanceId: 'signer',
      spiffeId: uri,
      sans,
      caId: issuer.caId,
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
      spkiPin: spkiPin(keys.publicKey),
      issuedAt: d.now,
    });
    await s.appendAudit({
      at: d.now,
      actor: uri,
      action: 'serving-cert',
      outcome: 'allowed',
      details: { serial: serialHex, caId: issuer.caId, notAfter: leaf.notAfter.toISOString() },
    });
  });
  return {
    context: {
      key: exportPrivateKey(keys.privateKey, 'pem') as string,
      cert: pemEncode('CERTIFICATE', leaf.der) + pemEncode('CERTIFICATE', record.certificateDer),
    },
    serialHex,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
  };
}

/**
 * Server credentials whose identity and client-CA list can be swapped on the live server
 * (serving-cert renewal, root rotation; open connections keep theirs). Client certificates are
 * requested but not required at the transport (`rejectUnauthorized` off): first issuance has
 * none. A certificate the transport could not verify is simply not passed to the handlers, and
 * every handler that needs the caller's identity verifies the one it gets again (peer-auth).
 */
export class SwappableServerCredentials extends ServerCredentials {
  constructor(context: SecureContextOptions) {
    super({ requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' }, context);
  }

  /** Replaces key and certificate for new connections. */
  swap(context: SecureContextOptions): void {
    this.updateSecureContextOptions(context);
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

/** When to renew a serving certificate: at 2/3 of its lifetime (ms from `now`, at least 1 s). */
export function renewDelayMs(id: ServingIdentity, now: Date): number {
  const life = id.notAfter.getTime() - id.notBefore.getTime();
  return Math.max(1000, id.notBefore.getTime() + (life * 2) / 3 - now.getTime());
}
