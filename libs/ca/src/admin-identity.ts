/**
 * The CLI's admin identity: a leaf under the platform intermediate with the SPIFFE ID
 * spiffe://<td>/admin/cli, 30 days, stored as D/admin/admin.crt (leaf + intermediate) and
 * D/admin/admin.key (protected like the CA keys).
 */
import type { KeyObject } from 'node:crypto';
import { writeFileAtomic } from '@trustmesh/keystore';
import { createLeafIssuer, generateKeyPair, pemEncode, spkiPin } from '@trustmesh/pki';
import type { CaRecord, IssuedCertRecord } from '@trustmesh/store';
import { writeKey, type Protection } from './ca-factory';
import { ADMIN_INSTANCE, ADMIN_TYPE, LAYOUT, statePath } from './layout';

/** Lifetime of the admin certificate. */
export const ADMIN_TTL_S = 30 * 86_400;

/**
 * Issues the admin certificate from the platform intermediate and writes both files under
 * `dir` (never overwriting). Pushes written paths to `files`; returns the issued-cert record.
 */
export async function createAdminIdentity(o: {
  dir: string;
  trustDomain: string;
  now: Date;
  platform: { record: CaRecord; privateKey: KeyObject };
  protection: Protection;
  files: string[];
}): Promise<IssuedCertRecord> {
  const keys = generateKeyPair('ec-p256');
  const issuer = createLeafIssuer({
    caCertificate: o.platform.record.certificateDer,
    caPrivateKey: o.platform.privateKey,
  });
  const uri = `spiffe://${o.trustDomain}/${ADMIN_TYPE}/${ADMIN_INSTANCE}`;
  const leaf = issuer.issue({
    publicKey: keys.publicKey,
    sans: { uris: [uri] },
    subject: { commonName: 'trustmesh admin' },
    now: o.now,
    ttlSeconds: ADMIN_TTL_S,
  });
  o.files.push(await writeKey(o.dir, LAYOUT.adminKey, keys.privateKey, o.protection));
  const certPath = statePath(o.dir, LAYOUT.adminCert);
  writeFileAtomic(
    certPath,
    pemEncode('CERTIFICATE', leaf.der) + pemEncode('CERTIFICATE', o.platform.record.certificateDer),
    { mode: 0o644 },
  );
  o.files.push(certPath);
  return {
    serialHex: leaf.serialHex.toLowerCase(),
    serviceType: ADMIN_TYPE,
    instanceId: ADMIN_INSTANCE,
    spiffeId: uri,
    sans: { dns: [], uris: [uri], ips: [] },
    caId: issuer.caId,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    spkiPin: spkiPin(keys.publicKey),
    issuedAt: o.now,
  };
}
