/**
 * SubjectPublicKeyInfo analysis and the cheap key import of the CSR path.
 *
 * Why not `createPublicKey(spkiDer)`: on OpenSSL 3.0 it costs about 150 µs per call (the
 * decoder framework tries several decoders); importing the same EC key from its x/y coordinates
 * as JWK costs about 80 µs (docs/BENCHMARKS.md "The anchors"). So we read the SPKI ourselves and hand
 * node:crypto a JWK. OpenSSL still checks that the point is on the curve during the import.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { PkiError, wrapErrors, type PkiErrorCode } from './errors';
import { OID } from './der/oids';
import { parseDer, type DerNode } from './der/reader';
import { bitStringBytes, children, content, encoded, oidOf, TAG } from './der/schema';
import type { PublicKeyAlgorithm } from './keys';

/** What an SPKI holds, whether or not this library accepts it. */
export interface SpkiInfo {
  /** Accepted algorithm, or null when the key type is not supported. */
  algorithm: PublicKeyAlgorithm | null;
  /** Display label: `ec-p256`, `rsa`, `ec-1.3.132.0.10`, `1.3.101.113`… */
  label: string;
  /** Key size in bits (curve size, or the RSA modulus length). */
  bits: number;
  /** The subjectPublicKey BIT STRING content (without the unused-bits octet). */
  keyBytes: Buffer;
  /** The whole SPKI DER. */
  der: Buffer;
  /** RSA modulus and exponent (magnitudes), for RSA keys. */
  rsa?: { n: Buffer; e: Buffer };
}

const CURVES: Record<string, { alg: PublicKeyAlgorithm; bits: number; crv: string }> = {
  [OID.p256]: { alg: 'ec-p256', bits: 256, crv: 'P-256' },
  [OID.p384]: { alg: 'ec-p384', bits: 384, crv: 'P-384' },
};
const OTHER_CURVE_BITS: Record<string, number> = { [OID.secp256k1]: 256, [OID.p521]: 521 };

function magnitude(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function bitLength(mag: Buffer): number {
  if (mag.length === 0 || (mag.length === 1 && mag[0] === 0)) return 0;
  return (mag.length - 1) * 8 + (32 - Math.clz32(mag[0]));
}

/**
 * Reads an SPKI node. Only the structure is checked here (`code` on failure); whether the key
 * is acceptable is {@link checkKeyPolicy}'s job.
 */
export function describeSpki(node: DerNode | undefined, code: PkiErrorCode): SpkiInfo {
  const [algId, bits] = children(node, TAG.SEQUENCE, code, 'SubjectPublicKeyInfo', 2, 2);
  const alg = children(algId, TAG.SEQUENCE, code, 'AlgorithmIdentifier', 1, 2);
  const algOid = oidOf(alg[0], code, 'key algorithm');
  const keyBytes = bitStringBytes(bits, code, 'subjectPublicKey');
  const der = encoded(node as DerNode);
  if (algOid === OID.ecPublicKey) {
    if (alg[1]?.tag !== TAG.OID) return { algorithm: null, label: 'ec-explicit', bits: 0, keyBytes, der };
    const curve = oidOf(alg[1], code, 'curve');
    const known = CURVES[curve];
    if (known) return { algorithm: known.alg, label: known.alg, bits: known.bits, keyBytes, der };
    return { algorithm: null, label: `ec-${curve}`, bits: OTHER_CURVE_BITS[curve] ?? 0, keyBytes, der };
  }
  if (algOid === OID.ed25519) {
    if (alg.length !== 1) throw new PkiError(code, 'Ed25519 parameters must be absent');
    return { algorithm: 'ed25519', label: 'ed25519', bits: 256, keyBytes, der };
  }
  if (algOid === OID.rsaEncryption) {
    if (alg.length === 2 && alg[1].tag !== TAG.NULL) throw new PkiError(code, 'RSA parameters must be NULL');
    const rsaKey = wrapErrors(code, 'RSAPublicKey', () => parseDer(keyBytes, { maxDepth: 2 }));
    const [n, e] = children(rsaKey, TAG.SEQUENCE, code, 'RSAPublicKey', 2, 2);
    if (n.tag !== TAG.INTEGER || e.tag !== TAG.INTEGER) throw new PkiError(code, 'RSAPublicKey');
    const nb = content(n);
    const eb = content(e);
    if (nb[0] & 0x80 || eb[0] & 0x80) throw new PkiError(code, 'negative RSA integer');
    const nMag = magnitude(nb);
    return { algorithm: 'rsa', label: 'rsa', bits: bitLength(nMag), keyBytes, der, rsa: { n: nMag, e: magnitude(eb) } };
  }
  return { algorithm: null, label: algOid, bits: 0, keyBytes, der };
}

/** RSA key sizes accepted in CSRs. */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 8192;

/**
 * Applies the CSR key policy: EC P-256/P-384, Ed25519, RSA 2048–8192 with an odd exponent
 * between 3 and 2^32.
 * @throws PkiError KEY_TYPE_UNSUPPORTED, KEY_TOO_WEAK, KEY_MALFORMED.
 */
export function checkKeyPolicy(info: SpkiInfo): PublicKeyAlgorithm {
  if (!info.algorithm) throw new PkiError('KEY_TYPE_UNSUPPORTED', info.label);
  if (info.algorithm === 'rsa') {
    const { e } = info.rsa as { n: Buffer; e: Buffer };
    if (info.bits < RSA_MIN_BITS) throw new PkiError('KEY_TOO_WEAK', `RSA-${info.bits}`);
    if (info.bits > RSA_MAX_BITS) throw new PkiError('KEY_TYPE_UNSUPPORTED', `RSA-${info.bits}`);
    // An exponent over 32 bits is legal but only good for making verification slow (DoS).
    if ((e[e.length - 1] & 1) === 0 || (e.length === 1 && e[0] < 3) || e.length > 4)
      throw new PkiError('KEY_MALFORMED', 'RSA exponent');
  }
  return info.algorithm;
}

const COORD: Record<string, number> = { 'ec-p256': 32, 'ec-p384': 48 };

/**
 * A KeyObject for an accepted SPKI, imported the cheap way (JWK from the raw key bytes).
 * Compressed EC points fall back to the SPKI DER import.
 * @throws PkiError KEY_MALFORMED (point not on the curve, wrong lengths).
 */
export function importSpki(info: SpkiInfo): KeyObject {
  const alg = checkKeyPolicy(info);
  const k = info.keyBytes;
  return wrapErrors('KEY_MALFORMED', `import ${alg} key`, () => {
    if (alg === 'ed25519') {
      if (k.length !== 32) throw new PkiError('KEY_MALFORMED', 'Ed25519 key length');
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.toString('base64url') }, format: 'jwk' });
    }
    if (alg === 'rsa') {
      const { n, e } = info.rsa as { n: Buffer; e: Buffer };
      return createPublicKey({
        key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') },
        format: 'jwk',
      });
    }
    const size = COORD[alg];
    if (k[0] === 0x04 && k.length === 1 + 2 * size) {
      const crv = alg === 'ec-p256' ? 'P-256' : 'P-384';
      const x = k.toString('base64url', 1, 1 + size);
      const y = k.toString('base64url', 1 + size);
      return createPublicKey({ key: { kty: 'EC', crv, x, y }, format: 'jwk' });
    }
    if ((k[0] === 0x02 || k[0] === 0x03) && k.length === 1 + size) {
      return createPublicKey({ key: info.der, format: 'der', type: 'spki' });
    }
    throw new PkiError('KEY_MALFORMED', 'EC point encoding');
  });
}
