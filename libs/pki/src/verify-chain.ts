/**
 * Chain verification against explicit anchors at an explicit time. Signatures and issuer/subject
 * matching go through OpenSSL (node:crypto X509Certificate.checkIssued / verify); validity,
 * CA flags, pathLen, keyUsage and EKU are checked here from our own decoding, because Node does
 * not expose them all and the time must be the caller's, not the machine's clock.
 */
import { X509Certificate } from 'node:crypto';
import { PkiError, wrapErrors } from './errors';
import { parseCertificate, type ParsedCertificate } from './cert-parse';
import { OID } from './der/oids';
import { KU } from './extensions';
import { toDer } from './pem';

/** Options of {@link verifyChain}. */
export interface VerifyChainOptions {
  /** Leaf first, then intermediates in order (PEM or DER each); the anchor may be left out (usual) or included. */
  chain: (Uint8Array | string)[];
  /** Trusted certificates (roots, normally). A chain must end at one of them. */
  anchors: (Uint8Array | string)[];
  /** The instant at which every certificate on the path must be valid. */
  at: Date;
  /** When given, the leaf (and any CA on the path that has an EKU) must allow this purpose. */
  purpose?: 'serverAuth' | 'clientAuth';
}

interface Loaded {
  der: Buffer;
  x509: X509Certificate;
  parsed: ParsedCertificate;
}

function load(input: Uint8Array | string): Loaded {
  const der = toDer(input, 'CERTIFICATE');
  const parsed = wrapErrors('CERT_MALFORMED', 'chain certificate', () => parseCertificate(der));
  const x509 = wrapErrors('CERT_MALFORMED', 'X509Certificate', () => new X509Certificate(der));
  return { der: Buffer.from(der), x509, parsed };
}

function issuedBy(child: Loaded, parent: Loaded): boolean {
  try {
    return child.x509.checkIssued(parent.x509) && child.x509.verify(parent.x509.publicKey);
  } catch {
    return false;
  }
}

function checkTime(c: Loaded, at: number, index: number): void {
  if (at < c.parsed.notBefore.getTime()) throw new PkiError('CHAIN_NOT_YET_VALID', `certificate ${index}`);
  if (at > c.parsed.notAfter.getTime()) throw new PkiError('CHAIN_EXPIRED', `certificate ${index}`);
}

function allowsPurpose(c: ParsedCertificate, purpose: string): boolean {
  const eku = c.extKeyUsage;
  return !eku || eku.includes(purpose) || eku.includes(OID.anyExtendedKeyUsage);
}

/**
 * Verifies `chain` up to one of `anchors` at time `at`. Checks, for each link, that the issuer
 * name matches and the signature verifies; that every certificate (anchor included) is within its
 * validity at `at`; that every issuer is a CA (basicConstraints cA) with keyCertSign when it has a
 * keyUsage; that no issuer's pathLenConstraint is exceeded; and the EKU purpose when asked.
 * Returns the anchor used and the path (leaf first, without the anchor).
 * @throws PkiError CERT_MALFORMED / PEM_MALFORMED (unreadable input), CHAIN_INVALID (broken link,
 * issuer not a CA, pathLen or purpose violated, empty chain), CHAIN_EXPIRED, CHAIN_NOT_YET_VALID,
 * CHAIN_UNTRUSTED (no anchor issued the last certificate).
 */
export function verifyChain(o: VerifyChainOptions): { anchor: Buffer; path: Buffer[] } {
  if (!(o.at instanceof Date) || Number.isNaN(o.at.getTime())) throw new PkiError('VALIDITY_INVALID', 'at');
  if (!o.chain?.length) throw new PkiError('CHAIN_INVALID', 'empty chain');
  if (o.chain.length > 8) throw new PkiError('CHAIN_INVALID', 'chain longer than 8');
  const anchors = o.anchors.map(load);
  const path = o.chain.map(load);
  // An anchor included at the end of the chain is the anchor, not part of the path.
  const included = anchors.find((a) => a.der.equals(path[path.length - 1].der));
  if (included && path.length > 1) path.pop();
  for (let i = 0; i + 1 < path.length; i++) {
    if (!issuedBy(path[i], path[i + 1]))
      throw new PkiError('CHAIN_INVALID', `certificate ${i} is not issued by certificate ${i + 1}`);
  }
  const last = path[path.length - 1];
  // A chain that is just an anchor is trusted as itself; otherwise an anchor must issue the last one.
  const selfAnchor = included && path.length === 1 && last.der.equals(included.der);
  const anchor = selfAnchor ? included : anchors.find((a) => issuedBy(last, a));
  if (!anchor) throw new PkiError('CHAIN_UNTRUSTED');
  const at = o.at.getTime();
  const all = selfAnchor ? path : [...path, anchor];
  all.forEach((c, i) => checkTime(c, at, i));
  for (let i = 1; i < all.length; i++) {
    const p = all[i].parsed;
    if (!p.isCa) throw new PkiError('CHAIN_INVALID', `certificate ${i} is not a CA`);
    if (p.keyUsage !== undefined && ((p.keyUsage >> 8) & KU.keyCertSign) === 0) {
      throw new PkiError('CHAIN_INVALID', `certificate ${i} may not sign certificates`);
    }
    // Intermediates between this issuer and the leaf (self-issued ones do not count, RFC 5280 §4.2.1.9).
    const below = all.slice(1, i).filter((c) => c.parsed.subject.der.compare(c.parsed.issuer.der) !== 0).length;
    if (p.pathLen !== undefined && below > p.pathLen)
      throw new PkiError('CHAIN_INVALID', `pathLen of certificate ${i} exceeded`);
  }
  if (o.purpose) {
    const want = o.purpose === 'serverAuth' ? OID.serverAuth : OID.clientAuth;
    if (!all.every((c) => allowsPurpose(c.parsed, want)))
      throw new PkiError('CHAIN_INVALID', `not valid for ${o.purpose}`);
  }
  return { anchor: anchor.der, path: path.map((c) => c.der) };
}
