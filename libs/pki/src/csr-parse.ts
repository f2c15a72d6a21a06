/**
 * PKCS#10 parse + verify (the signer's side, a hot path). Order of checks: size, strict DER,
 * structure, subject, key policy, extensions (unknown critical → refused; SANs validated),
 * signature algorithm against the key, then the signature itself. Every failure is a PkiError.
 */
import { verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { PkiError } from './errors';
import { OID, OID_NAMES } from './der/oids';
import { parseDer } from './der/reader';
import { bitStringBytes, children, content, encoded, expect, oidOf, TAG } from './der/schema';
import { decodeBasicConstraints, decodeExtensions, type RawExtension } from './cert-parse';
import type { PublicKeyAlgorithm } from './keys';
import { decodeName, type SubjectName } from './names';
import { decodeGeneralNames, type SanSet } from './san';
import { describeSpki, importSpki } from './spki';

/** The requester's key as found in the CSR. `keyObject` is ready for verify / issuance. */
export interface CsrPublicKey {
  algorithm: PublicKeyAlgorithm;
  bits: number;
  spkiDer: Buffer;
  keyObject: KeyObject;
}

/** A parsed and verified CSR. */
export interface ParsedCsr {
  der: Buffer;
  subject: SubjectName;
  publicKey: CsrPublicKey;
  sans: SanSet;
  /** Every extension requested in the CSR. */
  extensions: { oid: string; critical: boolean }[];
  /** basicConstraints cA=TRUE requested. */
  isCaRequested: boolean;
  /** e.g. `ecdsa-with-SHA256`. */
  signatureAlgorithm: string;
  /** One-line subject text (RFC 4514 order). */
  subjectText: string;
}

/** Options of {@link parseCsr}. */
export interface ParseCsrOptions {
  /** Largest accepted DER in bytes (default 16384). */
  maxBytes?: number;
}

/** Default size cap of a CSR (16 KiB; an RSA-8192 CSR with SANs is about 1.5 KiB). */
export const DEFAULT_MAX_CSR_BYTES = 16384;

// Extensions a CSR may request even when critical: we understand them (and the signer decides
// what ends up in the certificate; nothing is copied unchecked).
const KNOWN = new Set<string>([
  OID.subjectAltName,
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectKeyIdentifier,
]);

// Signature algorithm → [key family, digest for crypto.verify].
const SIG_ALGS: Record<string, [string, string | null]> = {
  [OID.ecdsaSha256]: ['ec', 'sha256'],
  [OID.ecdsaSha384]: ['ec', 'sha384'],
  [OID.ecdsaSha512]: ['ec', 'sha512'],
  [OID.ed25519]: ['ed25519', null],
  [OID.sha256WithRSA]: ['rsa', 'sha256'],
  [OID.sha384WithRSA]: ['rsa', 'sha384'],
  [OID.sha512WithRSA]: ['rsa', 'sha512'],
};

const M = 'CSR_MALFORMED' as const;

function familyOf(alg: PublicKeyAlgorithm): string {
  return alg === 'ec-p256' || alg === 'ec-p384' ? 'ec' : alg;
}

function requestedExtensions(attrs: ReturnType<typeof children>): RawExtension[] {
  let exts: RawExtension[] | undefined;
  for (const attr of attrs) {
    const [type, values] = children(attr, TAG.SEQUENCE, M, 'Attribute', 2, 2);
    const vals = children(values, TAG.SET, M, 'Attribute values', 1);
    if (oidOf(type, M, 'attribute type') !== OID.extensionRequest) continue;
    if (exts || vals.length !== 1) throw new PkiError(M, 'more than one extensionRequest');
    exts = decodeExtensions(vals[0], M);
  }
  return exts ?? [];
}

/**
 * Parses a DER PKCS#10 request and verifies its signature.
 * @throws PkiError INPUT_EMPTY, INPUT_TOO_LARGE, DER_MALFORMED (not strict DER, nesting too
 * deep), CSR_MALFORMED (wrong structure), KEY_TYPE_UNSUPPORTED / KEY_TOO_WEAK / KEY_MALFORMED
 * (key policy: EC P-256/P-384, Ed25519, RSA 2048–8192), CSR_EXTENSION_UNSUPPORTED (unknown
 * critical extension), SAN_INVALID, SIGNATURE_ALGORITHM_UNSUPPORTED, SIGNATURE_ALGORITHM_MISMATCH,
 * CSR_SIGNATURE_INVALID.
 */
export function parseCsr(der: Uint8Array, o: ParseCsrOptions = {}): ParsedCsr {
  const root = parseDer(der, { maxBytes: o.maxBytes ?? DEFAULT_MAX_CSR_BYTES });
  const [info, sigAlg, sig] = children(root, TAG.SEQUENCE, M, 'CertificationRequest', 3, 3);
  const [version, subjectNode, spkiNode, attrsNode] = children(info, TAG.SEQUENCE, M, 'CertificationRequestInfo', 4, 4);
  if (content(expect(version, TAG.INTEGER, M, 'version')).toString('hex') !== '00')
    throw new PkiError(M, 'version must be 0');
  const subject = decodeName(subjectNode, M);
  const spki = describeSpki(spkiNode, M);
  const keyObject = importSpki(spki);
  const algorithm = spki.algorithm as PublicKeyAlgorithm;

  const exts = requestedExtensions(children(attrsNode, 0xa0, M, 'attributes'));
  let sans: SanSet = { dns: [], uris: [], ips: [] };
  let isCaRequested = false;
  for (const e of exts) {
    if (e.oid === OID.subjectAltName) sans = decodeGeneralNames(e.value);
    else if (e.oid === OID.basicConstraints) isCaRequested = decodeBasicConstraints(e.value, M).ca;
    else if (e.critical && !KNOWN.has(e.oid)) throw new PkiError('CSR_EXTENSION_UNSUPPORTED', e.oid);
  }

  const algParts = children(sigAlg, TAG.SEQUENCE, M, 'signatureAlgorithm', 1, 2);
  const sigOid = oidOf(algParts[0], M, 'signatureAlgorithm');
  const known = SIG_ALGS[sigOid];
  if (!known) throw new PkiError('SIGNATURE_ALGORITHM_UNSUPPORTED', OID_NAMES[sigOid] ?? sigOid);
  if (known[0] !== familyOf(algorithm))
    throw new PkiError('SIGNATURE_ALGORITHM_MISMATCH', `${OID_NAMES[sigOid]} with ${algorithm} key`);
  // ECDSA and Ed25519 identifiers have absent parameters; RSA PKCS#1 v1.5 ones carry NULL.
  if (known[0] === 'rsa' ? algParts.length === 2 && algParts[1].tag !== TAG.NULL : algParts.length !== 1) {
    throw new PkiError(M, 'signature algorithm parameters');
  }
  const signature = bitStringBytes(sig, M, 'signature');
  let ok: boolean;
  try {
    ok = verify(known[1], encoded(info), keyObject, signature);
  } catch (err) {
    throw new PkiError('CSR_SIGNATURE_INVALID', 'verify failed', { cause: err });
  }
  if (!ok) throw new PkiError('CSR_SIGNATURE_INVALID');
  return {
    der: encoded(root),
    subject: subject.subject,
    subjectText: subject.text,
    publicKey: { algorithm, bits: spki.bits, spkiDer: spki.der, keyObject },
    sans,
    extensions: exts.map((e) => ({ oid: e.oid, critical: e.critical })),
    isCaRequested,
    signatureAlgorithm: OID_NAMES[sigOid],
  };
}
