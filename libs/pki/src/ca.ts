/**
 * CA certificates: the self-signed root of a service type and the issuing intermediates under
 * it. Cold path; built with the same DER template as leaves so that one encoder is tested.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { PkiError, wrapErrors } from './errors';
import { parseCertificate, type ParsedCertificate } from './cert-parse';
import { authorityKeyId, basicConstraints, keyUsage, KU, subjectKeyId } from './extensions';
import { spkiDerOf, type RandomSource } from './keys';
import { encodeName, type SubjectName } from './names';
import { signatureProfileFor } from './signing';
import { describeSpki } from './spki';
import { parseDer } from './der/reader';
import { checkValidity, defaultRandom, encodeTbs, keyIdOf, randomSerial, signCertificate } from './tbs';

/** Options of {@link createRootCertificate}. */
export interface RootOptions {
  privateKey: KeyObject;
  publicKey: KeyObject;
  subject: SubjectName;
  notBefore: Date;
  notAfter: Date;
  /** pathLenConstraint (default 1: root → intermediate → leaf). */
  pathLen?: number;
  random?: RandomSource;
}

/** Options of {@link createIntermediateCertificate}. */
export interface IntermediateOptions {
  publicKey: KeyObject;
  subject: SubjectName;
  issuer: { certificate: Uint8Array; privateKey: KeyObject };
  notBefore: Date;
  notAfter: Date;
  /** pathLenConstraint (default 0: issues leaves only). */
  pathLen?: number;
  random?: RandomSource;
}

function spkiParts(publicKey: KeyObject): { spki: Buffer; keyId: Buffer } {
  const spki = spkiDerOf(publicKey);
  const info = describeSpki(parseDer(spki), 'KEY_MALFORMED');
  return { spki, keyId: keyIdOf(info.keyBytes) };
}

function checkPathLen(n: number | undefined, dflt: number): number {
  const v = n ?? dflt;
  if (!Number.isInteger(v) || v < 0 || v > 16)
    throw new PkiError('VALIDITY_INVALID', 'pathLen must be an integer 0..16');
  return v;
}

/**
 * A CA certificate must be a CA and its private key must be the pair of its public key.
 * @throws PkiError DER_MALFORMED, CERT_MALFORMED, CERT_NOT_CA, KEY_MISMATCH.
 */
export function loadIssuer(certificate: Uint8Array, privateKey: KeyObject): ParsedCertificate {
  const cert = wrapErrors('CERT_MALFORMED', 'issuer certificate', () => parseCertificate(certificate));
  if (!cert.isCa) throw new PkiError('CERT_NOT_CA');
  const pub = wrapErrors('KEY_MALFORMED', 'issuer key', () => spkiDerOf(createPublicKey(privateKey)));
  if (!pub.equals(cert.spki.der)) throw new PkiError('KEY_MISMATCH');
  return cert;
}

/**
 * A self-signed root: critical basicConstraints cA with pathLen (default 1), critical keyUsage
 * keyCertSign + cRLSign, subjectKeyIdentifier; 128-bit random serial. Returns DER.
 * @throws PkiError KEY_*, SUBJECT_INVALID, VALIDITY_INVALID.
 */
export function createRootCertificate(o: RootOptions): Buffer {
  const profile = signatureProfileFor(o.privateKey);
  const { spki, keyId } = spkiParts(o.publicKey);
  const pair = wrapErrors('KEY_MALFORMED', 'root key', () => spkiDerOf(createPublicKey(o.privateKey)));
  if (!pair.equals(spki)) throw new PkiError('KEY_MISMATCH');
  const name = encodeName(o.subject);
  const { notBefore, notAfter } = checkValidity(o.notBefore, o.notAfter);
  const tbs = encodeTbs({
    serial: randomSerial(o.random ?? defaultRandom).der,
    signatureAlgorithm: profile.algorithmIdentifier,
    issuer: name,
    subject: name,
    notBefore,
    notAfter,
    spki,
    extensions: [
      basicConstraints(true, checkPathLen(o.pathLen, 1)),
      keyUsage(KU.keyCertSign | KU.cRLSign),
      subjectKeyId(keyId),
    ],
  });
  return signCertificate(tbs, profile, o.privateKey);
}

/**
 * An intermediate CA signed by `issuer`: critical basicConstraints cA with pathLen (default 0),
 * critical keyUsage keyCertSign + cRLSign, SKI, AKI (the issuer's SKI). The issuer name bytes are
 * copied from the issuer certificate. Returns DER.
 * @throws PkiError CERT_MALFORMED, CERT_NOT_CA, KEY_MISMATCH, KEY_*, SUBJECT_INVALID, VALIDITY_INVALID.
 */
export function createIntermediateCertificate(o: IntermediateOptions): Buffer {
  const issuer = loadIssuer(o.issuer.certificate, o.issuer.privateKey);
  const profile = signatureProfileFor(o.issuer.privateKey);
  const { spki, keyId } = spkiParts(o.publicKey);
  const { notBefore, notAfter } = checkValidity(o.notBefore, o.notAfter);
  const tbs = encodeTbs({
    serial: randomSerial(o.random ?? defaultRandom).der,
    signatureAlgorithm: profile.algorithmIdentifier,
    issuer: issuer.subject.der,
    subject: encodeName(o.subject),
    notBefore,
    notAfter,
    spki,
    extensions: [
      basicConstraints(true, checkPathLen(o.pathLen, 0)),
      keyUsage(KU.keyCertSign | KU.cRLSign),
      subjectKeyId(keyId),
      authorityKeyId(issuer.subjectKeyId ?? keyIdOf(issuer.spki.keyBytes)),
    ],
  });
  return signCertificate(tbs, profile, o.issuer.privateKey);
}
