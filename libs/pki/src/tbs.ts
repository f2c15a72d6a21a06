/**
 * The TBSCertificate template and the outer Certificate wrapper, shared by CA and leaf issuance,
 * plus serial numbers and key identifiers.
 */
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { PkiError } from './errors';
import { bitString, explicit, seq, smallInt, time, unsignedInt } from './der/writer';
import type { RandomSource } from './keys';
import { signWith, type SignatureProfile } from './signing';

const VERSION_V3 = explicit(0, smallInt(2));

/** The fields of a v3 TBSCertificate, each already DER-encoded where it is bytes. */
export interface TbsFields {
  serial: Buffer;
  signatureAlgorithm: Buffer;
  issuer: Buffer;
  notBefore: Date;
  notAfter: Date;
  subject: Buffer;
  spki: Buffer;
  extensions: Buffer[];
}

/** DER TBSCertificate (v3). */
export function encodeTbs(f: TbsFields): Buffer {
  return seq(
    VERSION_V3,
    f.serial,
    f.signatureAlgorithm,
    f.issuer,
    seq(time(f.notBefore), time(f.notAfter)),
    f.subject,
    f.spki,
    explicit(3, seq(...f.extensions)),
  );
}

/** Signs a TBS and wraps it: Certificate ::= SEQUENCE { tbs, signatureAlgorithm, signature }. */
export function signCertificate(tbs: Buffer, profile: SignatureProfile, key: KeyObject): Buffer {
  return seq(tbs, profile.algorithmIdentifier, bitString(signWith(profile, key, tbs)));
}

/** Default random source: node:crypto's CSPRNG. */
export const defaultRandom: RandomSource = (n) => randomBytes(n);

/**
 * A fresh 128-bit random serial as a positive, minimal DER INTEGER (a 0x00 is prepended when the
 * top bit is set; leading zero octets are dropped) and its hex (upper case, as Node's
 * X509Certificate.serialNumber prints it). A zero draw becomes 1 (serials must be positive).
 */
export function randomSerial(random: RandomSource): { der: Buffer; hex: string } {
  const r = random(16);
  if (!Buffer.isBuffer(r) || r.length !== 16)
    throw new PkiError('KEY_MALFORMED', 'random source returned the wrong size');
  if (r.every((b) => b === 0)) r[15] = 1;
  const der = unsignedInt(r);
  const mag = der[2] === 0 ? der.subarray(3) : der.subarray(2);
  return { der, hex: mag.toString('hex').toUpperCase() };
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING value. */
export function keyIdOf(subjectPublicKey: Uint8Array): Buffer {
  return createHash('sha1').update(subjectPublicKey).digest();
}

/** Whole seconds of `d` (X.509 times carry no fractions). @throws PkiError VALIDITY_INVALID. */
export function toSeconds(d: Date, what: string): Date {
  if (!(d instanceof Date) || Number.isNaN(d.getTime()))
    throw new PkiError('VALIDITY_INVALID', `${what} is not a date`);
  const t = Math.floor(d.getTime() / 1000) * 1000;
  if (t < Date.UTC(1950, 0, 1) || t >= Date.UTC(10000, 0, 1))
    throw new PkiError('VALIDITY_INVALID', `${what} out of range`);
  return new Date(t);
}

/** Checks and truncates a validity window. @throws PkiError VALIDITY_INVALID (bad date, notAfter ≤ notBefore). */
export function checkValidity(notBefore: Date, notAfter: Date): { notBefore: Date; notAfter: Date } {
  const nb = toSeconds(notBefore, 'notBefore');
  const na = toSeconds(notAfter, 'notAfter');
  if (na.getTime() <= nb.getTime()) throw new PkiError('VALIDITY_INVALID', 'notAfter must be after notBefore');
  return { notBefore: nb, notAfter: na };
}
