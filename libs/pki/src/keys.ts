/**
 * Key pairs: generation (ECDSA P-256 by default, P-384, Ed25519), PKCS#8 / SPKI import and
 * export in PEM or DER, and the SPKI SHA-256 pin. Keys travel as node:crypto `KeyObject`s so
 * that OpenSSL parses them once and callers cache the parsed form.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { PkiError, wrapErrors } from './errors';
import { toDer } from './pem';

/** Key algorithms this library generates. */
export type KeyAlgorithm = 'ec-p256' | 'ec-p384' | 'ed25519';
/** Key algorithms accepted in CSRs (what we generate, plus RSA 2048–8192). */
export type PublicKeyAlgorithm = KeyAlgorithm | 'rsa';
/** A source of random bytes (default `crypto.randomBytes`); injectable for tests. */
export type RandomSource = (size: number) => Buffer;

/** Largest key encoding accepted by the import functions (RSA-8192 PKCS#8 is about 4.9 KiB). */
const MAX_KEY_BYTES = 16384;

/**
 * A new key pair. Default `ec-p256`.
 * @throws PkiError KEY_TYPE_UNSUPPORTED for any other algorithm name.
 */
export function generateKeyPair(alg: KeyAlgorithm = 'ec-p256'): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'ec-p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ec-p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    default:
      throw new PkiError('KEY_TYPE_UNSUPPORTED', String(alg));
  }
}

function requireKey(key: unknown, type: 'private' | 'public' | 'any'): KeyObject {
  if (!(key instanceof KeyObject) || key.type === 'secret')
    throw new PkiError('KEY_MALFORMED', 'not an asymmetric KeyObject');
  if (type !== 'any' && key.type !== type) throw new PkiError('KEY_MALFORMED', `expected a ${type} key`);
  return key;
}

/** PKCS#8 encoding of a private key: PEM text (default) or DER bytes. @throws PkiError KEY_MALFORMED. */
export function exportPrivateKey(key: KeyObject, format: 'pem' | 'der' = 'pem'): string | Buffer {
  const k = requireKey(key, 'private');
  return wrapErrors('KEY_MALFORMED', 'export PKCS#8', () =>
    format === 'der'
      ? k.export({ type: 'pkcs8', format: 'der' })
      : (k.export({ type: 'pkcs8', format: 'pem' }) as string),
  );
}

/**
 * A private key from PKCS#8 PEM (`PRIVATE KEY`) or DER. Encrypted or legacy (`EC PRIVATE KEY`,
 * `RSA PRIVATE KEY`) encodings are refused.
 * @throws PkiError INPUT_EMPTY, INPUT_TOO_LARGE, PEM_MALFORMED, KEY_MALFORMED.
 */
export function importPrivateKey(input: string | Uint8Array): KeyObject {
  const der = toDer(input, 'PRIVATE KEY');
  if (der.length > MAX_KEY_BYTES) throw new PkiError('INPUT_TOO_LARGE', `${der.length} bytes`);
  return wrapErrors('KEY_MALFORMED', 'PKCS#8', () => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
}

/** SPKI encoding of a public key (a private key gives its public half): PEM (default) or DER. */
export function exportPublicKey(key: KeyObject, format: 'pem' | 'der' = 'pem'): string | Buffer {
  const k = requireKey(key, 'any');
  return wrapErrors('KEY_MALFORMED', 'export SPKI', () => {
    const pub = k.type === 'private' ? createPublicKey(k) : k;
    return format === 'der'
      ? pub.export({ type: 'spki', format: 'der' })
      : (pub.export({ type: 'spki', format: 'pem' }) as string);
  });
}

/** A public key from SPKI PEM (`PUBLIC KEY`) or DER. @throws PkiError INPUT_*, PEM_MALFORMED, KEY_MALFORMED. */
export function importPublicKey(input: string | Uint8Array): KeyObject {
  const der = toDer(input, 'PUBLIC KEY');
  if (der.length > MAX_KEY_BYTES) throw new PkiError('INPUT_TOO_LARGE', `${der.length} bytes`);
  return wrapErrors('KEY_MALFORMED', 'SPKI', () => createPublicKey({ key: der, format: 'der', type: 'spki' }));
}

/** SPKI DER of a key (public, or the public half of a private key). */
export function spkiDerOf(key: KeyObject): Buffer {
  return exportPublicKey(key, 'der') as Buffer;
}

/**
 * The SPKI pin: base64 of SHA-256 over the DER SubjectPublicKeyInfo, as HPKP (RFC 7469) and
 * Ghostunnel's `--verify-pin` use it. Takes a KeyObject or SPKI DER bytes.
 */
export function spkiPin(key: KeyObject | Uint8Array): string {
  const der = key instanceof KeyObject ? spkiDerOf(key) : key;
  return createHash('sha256').update(der).digest('base64');
}

/**
 * The algorithm label of a KeyObject (`ec-p256`, `ec-p384`, `ed25519`, `rsa`), or null when it is
 * something this library does not sign with.
 */
export function keyAlgorithmOf(key: KeyObject): PublicKeyAlgorithm | null {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === 'prime256v1' ? 'ec-p256' : curve === 'secp384r1' ? 'ec-p384' : null;
    }
    case 'ed25519':
      return 'ed25519';
    case 'rsa':
      return 'rsa';
    default:
      return null;
  }
}
