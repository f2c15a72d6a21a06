/**
 * inspect(): a certificate or CSR, PEM or DER, into a typed summary for the CLI, logs and tests.
 */
import { createHash } from 'node:crypto';
import { parseCertificate } from './cert-parse';
import { parseCsr } from './csr-parse';
import { OID_NAMES } from './der/oids';
import { parseDer } from './der/reader';
import { spkiPin } from './keys';
import { toDer } from './pem';
import type { SanSet } from './san';

/** Summary of a certificate or CSR. Optional fields are absent for CSRs or when not in the input. */
export interface CertSummary {
  kind: 'certificate' | 'csr';
  /** One-line subject, RFC 4514 order (`CN=api, O=TrustMesh`); empty for an empty subject. */
  subject: string;
  issuer?: string;
  serialHex?: string;
  notBefore?: Date;
  notAfter?: Date;
  sans: SanSet;
  /** The first `spiffe://` URI SAN. */
  spiffeId?: string;
  /** base64 SHA-256 of the SPKI. */
  spkiPin: string;
  isCa: boolean;
  pathLen?: number;
  /** `ec-p256`, `ec-p384`, `ed25519`, `rsa-2048`, or the OID of anything else. */
  keyAlgorithm: string;
  signatureAlgorithm: string;
  /** Lower-case hex SHA-256 of the certificate DER. */
  fingerprintSha256?: string;
  /** Lower-case hex. */
  subjectKeyId?: string;
  authorityKeyId?: string;
}

const keyLabel = (label: string, bits: number): string => (label === 'rsa' ? `rsa-${bits}` : label);

function isCsrShape(der: Buffer): boolean {
  const info = parseDer(der).children?.[0]?.children;
  return !!info && info.length === 4 && info[3].tag === 0xa0;
}

/**
 * Summarises a certificate or a CSR (PEM `CERTIFICATE` / `CERTIFICATE REQUEST`, or DER). A CSR is
 * fully parsed and verified (see parseCsr), so a CSR with a bad signature or refused key throws.
 * @throws PkiError INPUT_*, PEM_MALFORMED, DER_MALFORMED, CERT_MALFORMED, or parseCsr's codes.
 */
export function inspect(input: string | Uint8Array): CertSummary {
  const der = toDer(input, ['CERTIFICATE', 'CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
  if (isCsrShape(der)) {
    const csr = parseCsr(der);
    return {
      kind: 'csr',
      subject: csr.subjectText,
      sans: csr.sans,
      spiffeId: csr.sans.uris.find((u) => u.startsWith('spiffe://')),
      spkiPin: spkiPin(csr.publicKey.spkiDer),
      isCa: csr.isCaRequested,
      keyAlgorithm: keyLabel(csr.publicKey.algorithm, csr.publicKey.bits),
      signatureAlgorithm: csr.signatureAlgorithm,
    };
  }
  const c = parseCertificate(der);
  const out: CertSummary = {
    kind: 'certificate',
    subject: c.subject.text,
    issuer: c.issuer.text,
    serialHex: c.serialHex,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    sans: c.sans,
    spiffeId: c.sans.uris.find((u) => u.startsWith('spiffe://')),
    spkiPin: spkiPin(c.spki.der),
    isCa: c.isCa,
    keyAlgorithm: keyLabel(c.spki.label, c.spki.bits),
    signatureAlgorithm: OID_NAMES[c.signatureAlgorithm] ?? c.signatureAlgorithm,
    fingerprintSha256: createHash('sha256').update(c.der).digest('hex'),
  };
  if (c.pathLen !== undefined) out.pathLen = c.pathLen;
  if (c.subjectKeyId) out.subjectKeyId = c.subjectKeyId.toString('hex');
  if (c.authorityKeyId) out.authorityKeyId = c.authorityKeyId.toString('hex');
  if (!out.spiffeId) delete out.spiffeId;
  return out;
}
