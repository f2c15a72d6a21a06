/**
 * Where the workload's P-256 private keys come from. By default every issuance gets a fresh key
 * made in this process and held only in memory (a renewal also rotates the key). With `keyFile`,
 * one key is kept across restarts: read when the file exists, otherwise created and written
 * atomically (temp file in the same directory, mode 0600, then rename).
 */
import type { KeyObject } from 'node:crypto';
import { createPublicKey, randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { exportPrivateKey, generateKeyPair, importPrivateKey } from '@trustmesh/pki';
import { ControlError } from './errors';

/** A key pair for one CSR. */
export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Supplies the key for the next CSR. */
export interface KeySource {
  next(): Promise<KeyPair>;
}

/** Fresh P-256 key per call, never written anywhere. */
export function memoryKeySource(): KeySource {
  return { next: () => Promise.resolve(generateKeyPair('ec-p256')) };
}

/**
 * One P-256 key persisted in `path` (PKCS#8 PEM, mode 0600); loaded once and then cached.
 * @throws ControlError `KEY_FILE_FAILED` (from `next`) when the file cannot be read, parsed or written.
 */
export function fileKeySource(path: string): KeySource {
  let cached: Promise<KeyPair> | undefined;
  return {
    next: () => {
      cached ??= loadOrCreate(path);
      // A failed load is not cached: the next attempt reads the file again.
      cached.catch(() => (cached = undefined));
      return cached;
    },
  };
}

async function loadOrCreate(path: string): Promise<KeyPair> {
  const existing = await readKeyPair(path);
  if (existing) return existing;
  const pair = generateKeyPair('ec-p256');
  await writeAtomic0600(path, exportPrivateKey(pair.privateKey, 'pem') as string);
  return pair;
}

/**
 * The P-256 key kept in `path` (PKCS#8 PEM), or `undefined` when the file does not exist yet (a
 * start then creates it). Reads only.
 * @throws ControlError `KEY_FILE_FAILED` when the file cannot be read or holds no P-256 private key
 */
export async function readKeyPair(path: string): Promise<KeyPair | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ControlError('KEY_FILE_FAILED', `${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const privateKey = importPrivateKey(text);
    if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
      throw new Error('not a P-256 key');
    return { privateKey, publicKey: createPublicKey(privateKey) };
  } catch (e) {
    throw new ControlError('KEY_FILE_FAILED', `${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Writes `text` to a 0600 temp file beside `path`, fsyncs, renames over `path`. */
async function writeAtomic0600(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(tmp, 0o600); // the umask cannot loosen it, but make the mode explicit
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new ControlError('KEY_FILE_FAILED', `${path}: ${(e as Error).message}`, { cause: e });
  }
}
