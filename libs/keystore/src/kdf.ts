/**
 * scrypt key derivation for key files. The parameters travel inside every file, so a file
 * written with any allowed setting stays readable when the defaults change.
 */
import { scrypt } from 'node:crypto';
import { KeystoreError } from './errors';

/** scrypt cost parameters as recorded in a key file. */
export interface KdfParams {
  readonly name: 'scrypt';
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * Default: N=2^16, r=8, p=1 — 64 MiB and about 0.28 s per unlock on the reference machine
 * (2^17 took 0.52 s, over the 0.5 s budget; measured with crypto.scryptSync, idle machine).
 */
export const DEFAULT_KDF: KdfParams = Object.freeze({ name: 'scrypt', N: 2 ** 16, r: 8, p: 1 });

/** Tests only: N=2^10, a few milliseconds. Offers no real protection against guessing. */
export const FAST_KDF: KdfParams = Object.freeze({ name: 'scrypt', N: 2 ** 10, r: 8, p: 1 });

/** Lowest and highest N we accept when reading, so a hostile file cannot ask for gigabytes. */
const MIN_LOG2_N = 10;
const MAX_LOG2_N = 20;

/** Bytes derived: 32 for AES-256-GCM plus 32 for the passphrase check value. */
export const DERIVED_BYTES = 64;

/**
 * Checks `p` is an allowed scrypt setting (N a power of two in 2^10..2^20, r 1..32, p 1..4).
 * Throws KeystoreError KDF_PARAMS_INVALID otherwise.
 */
export function validateKdfParams(p: unknown): KdfParams {
  const o = p as Partial<KdfParams> | null;
  const ok =
    typeof o === 'object' &&
    o !== null &&
    o.name === 'scrypt' &&
    Number.isInteger(o.N) &&
    Number.isInteger(o.r) &&
    Number.isInteger(o.p) &&
    isPowerOfTwoInRange(o.N as number) &&
    (o.r as number) >= 1 &&
    (o.r as number) <= 32 &&
    (o.p as number) >= 1 &&
    (o.p as number) <= 4;
  if (!ok) throw new KeystoreError('KDF_PARAMS_INVALID');
  return Object.freeze({ name: 'scrypt', N: o.N as number, r: o.r as number, p: o.p as number });
}

function isPowerOfTwoInRange(n: number): boolean {
  const log = Math.log2(n);
  return Number.isInteger(log) && log >= MIN_LOG2_N && log <= MAX_LOG2_N;
}

/** Derives {@link DERIVED_BYTES} bytes from the passphrase and salt (async: off the main thread). */
export function deriveKey(passphrase: Buffer, salt: Buffer, params: KdfParams): Promise<Buffer> {
  // scrypt needs 128*N*r bytes; Node's default maxmem (32 MiB) is below our default setting.
  const maxmem = 128 * params.N * params.r * 2 + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(passphrase, salt, DERIVED_BYTES, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) => {
      if (err) reject(new KeystoreError('KDF_PARAMS_INVALID', err.message, { cause: err }));
      else resolve(key);
    });
  });
}
