/**
 * The encrypted key envelope (version 1): PKCS#8 DER sealed with AES-256-GCM under a key from
 * scrypt, armoured as
 *
 *   -----BEGIN TRUSTMESH ENCRYPTED PRIVATE KEY-----
 *   base64( UTF-8 JSON {"v":1,"kdf":{"name":"scrypt","N":..,"r":..,"p":..},"salt":..,
 *                       "cipher":"aes-256-gcm","iv":..,"check":..,"ct":..,"tag":..} )
 *   -----END TRUSTMESH ENCRYPTED PRIVATE KEY-----
 *
 * Binary fields are base64. scrypt yields 64 bytes: the first 32 are the AES key; SHA-256 of
 * the last 32 is stored as `check`, so a wrong passphrase is told apart from a damaged
 * ciphertext (guessing costs one scrypt either way). The header (v, kdf, salt, cipher, iv) is
 * the GCM additional data, so editing the recorded parameters breaks the tag.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { KeystoreError } from './errors';
import { deriveKey, validateKdfParams, type KdfParams } from './kdf';

/** Armour label of encrypted key files. */
export const ENCRYPTED_LABEL = 'TRUSTMESH ENCRYPTED PRIVATE KEY';
const BEGIN = `-----BEGIN ${ENCRYPTED_LABEL}-----`;
const END = `-----END ${ENCRYPTED_LABEL}-----`;
const CHECK_CONTEXT = Buffer.from('trustmesh-keystore/v1/check\0', 'utf8');
/** Larger files are refused before parsing (a P-384 PKCS#8 is ~185 bytes; RSA-8192 ~4.8 KiB). */
const MAX_ARMOUR_CHARS = 64 * 1024;
const MIN_PASSPHRASE_CHARS = 8;

interface Header {
  v: 1;
  kdf: KdfParams;
  salt: string;
  cipher: 'aes-256-gcm';
  iv: string;
}

/** Turns a passphrase into bytes (strings are NFC-normalised so the same text always unlocks). */
export function passphraseBytes(passphrase: string | Uint8Array): Buffer {
  return typeof passphrase === 'string' ? Buffer.from(passphrase.normalize('NFC'), 'utf8') : Buffer.from(passphrase);
}

/**
 * Encrypts PKCS#8 DER under `passphrase` (at least 8 characters, else KEY_PASSPHRASE_WEAK).
 * Returns the armoured text; salt and IV are fresh random bytes on every call.
 */
export async function sealPkcs8(
  pkcs8Der: Uint8Array,
  passphrase: string | Uint8Array,
  kdf: KdfParams,
): Promise<string> {
  const pass = passphraseBytes(passphrase);
  // Count characters (code points) for text, bytes for binary passphrases.
  const size = typeof passphrase === 'string' ? [...passphrase.normalize('NFC')].length : pass.length;
  if (size < MIN_PASSPHRASE_CHARS) throw new KeystoreError('KEY_PASSPHRASE_WEAK');
  const header: Header = {
    v: 1,
    kdf: validateKdfParams(kdf),
    salt: randomBytes(16).toString('base64'),
    cipher: 'aes-256-gcm',
    iv: randomBytes(12).toString('base64'),
  };
  const derived = await deriveKey(pass, Buffer.from(header.salt, 'base64'), header.kdf);
  const cipher = createCipheriv('aes-256-gcm', derived.subarray(0, 32), Buffer.from(header.iv, 'base64'));
  cipher.setAAD(headerAad(header));
  const ct = Buffer.concat([cipher.update(pkcs8Der), cipher.final()]);
  const body = {
    ...header,
    check: checkValue(derived).toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
  derived.fill(0);
  const b64 = Buffer.from(JSON.stringify(body), 'utf8').toString('base64');
  return `${BEGIN}\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n${END}\n`;
}

/** True when `text` carries the encrypted-key armour (no validation beyond the first line). */
export function isSealed(text: string): boolean {
  return text.trimStart().startsWith(BEGIN);
}

/**
 * Opens an armoured envelope and returns the PKCS#8 DER.
 * Failures: KEY_FILE_CORRUPT (armour, JSON, fields, or ciphertext damaged), KDF_PARAMS_INVALID
 * (parameters outside the allowed range), KEY_PASSPHRASE_WRONG (check value mismatch),
 * KEY_PASSPHRASE_REQUIRED (empty passphrase). Never returns unauthenticated bytes.
 */
export async function openPkcs8(text: string, passphrase: string | Uint8Array | undefined): Promise<Buffer> {
  const body = parseArmour(text);
  if (passphrase === undefined || passphraseBytes(passphrase).length === 0) {
    throw new KeystoreError('KEY_PASSPHRASE_REQUIRED');
  }
  const header: Header = {
    v: 1,
    kdf: validateKdfParams(body.kdf),
    salt: body.salt,
    cipher: 'aes-256-gcm',
    iv: body.iv,
  };
  const derived = await deriveKey(passphraseBytes(passphrase), b64Field(body.salt, 16), header.kdf);
  try {
    if (!timingSafeEqual(checkValue(derived), b64Field(body.check, 32)))
      throw new KeystoreError('KEY_PASSPHRASE_WRONG');
    const decipher = createDecipheriv('aes-256-gcm', derived.subarray(0, 32), b64Field(body.iv, 12));
    decipher.setAAD(headerAad(header));
    decipher.setAuthTag(b64Field(body.tag, 16));
    try {
      return Buffer.concat([decipher.update(b64Field(body.ct)), decipher.final()]);
    } catch (err) {
      // The passphrase check passed, so a failing tag means the bytes were changed.
      throw new KeystoreError('KEY_FILE_CORRUPT', 'authentication tag mismatch', { cause: err });
    }
  } finally {
    derived.fill(0);
  }
}

interface Body {
  v: unknown;
  kdf: unknown;
  salt: string;
  iv: string;
  check: string;
  ct: string;
  tag: string;
  cipher: unknown;
}

function parseArmour(text: string): Body {
  if (text.length > MAX_ARMOUR_CHARS) throw new KeystoreError('KEY_FILE_CORRUPT', 'too large');
  const lines = text.trim().split(/\r?\n/);
  if (lines.length < 3 || lines[0] !== BEGIN || lines[lines.length - 1] !== END) {
    throw new KeystoreError('KEY_FILE_CORRUPT', 'armour');
  }
  const b64 = lines.slice(1, -1).join('');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0)
    throw new KeystoreError('KEY_FILE_CORRUPT', 'base64');
  let body: Body;
  try {
    body = JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as Body;
  } catch (err) {
    throw new KeystoreError('KEY_FILE_CORRUPT', 'json', { cause: err });
  }
  const strings = ['salt', 'iv', 'check', 'ct', 'tag'] as const;
  if (
    typeof body !== 'object' ||
    body === null ||
    body.v !== 1 ||
    body.cipher !== 'aes-256-gcm' ||
    strings.some((k) => typeof body[k] !== 'string')
  ) {
    throw new KeystoreError('KEY_FILE_CORRUPT', 'fields');
  }
  return body;
}

function b64Field(value: string, length?: number): Buffer {
  const buf = Buffer.from(value, 'base64');
  if (buf.length === 0 || (length !== undefined && buf.length !== length)) {
    throw new KeystoreError('KEY_FILE_CORRUPT', 'field length');
  }
  return buf;
}

function checkValue(derived: Buffer): Buffer {
  return createHash('sha256').update(CHECK_CONTEXT).update(derived.subarray(32)).digest();
}

/** Canonical header bytes: fixed key order, so the AAD does not depend on how JSON was written. */
function headerAad(h: Header): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: h.v,
      kdf: { name: h.kdf.name, N: h.kdf.N, r: h.kdf.r, p: h.kdf.p },
      salt: h.salt,
      cipher: h.cipher,
      iv: h.iv,
    }),
    'utf8',
  );
}
