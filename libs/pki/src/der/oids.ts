/**
 * Object identifiers used by libs/pki, as dotted strings, with a lookup from the hex of an OID's
 * content bytes (what the reader sees) back to the dotted form.
 */
import { oid as encodeOid } from './writer';

export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  secp256k1: '1.3.132.0.10',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaPss: '1.2.840.113549.1.1.10',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  sha1WithRSA: '1.2.840.113549.1.1.5',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ecdsaSha512: '1.2.840.10045.4.3.4',
  ecdsaSha1: '1.2.840.10045.4.1',
  extensionRequest: '1.2.840.113549.1.9.14',
  challengePassword: '1.2.840.113549.1.9.7',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  extKeyUsage: '2.5.29.37',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

/** Short names for display (inspect, signature algorithm names). */
export const OID_NAMES: Record<string, string> = {
  [OID.ecdsaSha256]: 'ecdsa-with-SHA256',
  [OID.ecdsaSha384]: 'ecdsa-with-SHA384',
  [OID.ecdsaSha512]: 'ecdsa-with-SHA512',
  [OID.ecdsaSha1]: 'ecdsa-with-SHA1',
  [OID.sha256WithRSA]: 'sha256WithRSAEncryption',
  [OID.sha384WithRSA]: 'sha384WithRSAEncryption',
  [OID.sha512WithRSA]: 'sha512WithRSAEncryption',
  [OID.sha1WithRSA]: 'sha1WithRSAEncryption',
  [OID.rsaPss]: 'rsassaPss',
  [OID.ed25519]: 'Ed25519',
  [OID.ed448]: 'Ed448',
};

const byHex = new Map<string, string>();
for (const dotted of Object.values(OID)) byHex.set(encodeOid(dotted).subarray(2).toString('hex'), dotted);
for (const dotted of Object.keys(OID_NAMES)) byHex.set(encodeOid(dotted).subarray(2).toString('hex'), dotted);

/** Decodes OID content bytes (no tag/length) into dotted form. Input is reader-validated. */
export function decodeOid(content: Uint8Array): string {
  const hex = Buffer.from(content.buffer, content.byteOffset, content.length).toString('hex');
  const known = byHex.get(hex);
  if (known) return known;
  const arcs: bigint[] = [];
  let v = 0n;
  for (const b of content) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    }
  }
  const first = arcs[0] < 80n ? arcs[0] / 40n : 2n;
  return [first, arcs[0] - first * 40n, ...arcs.slice(1)].join('.');
}
