/**
 * Which protection a state directory's keys use (recorded by init), and proving a passphrase
 * before new keys are written under it.
 */
import type { KdfParams } from '@trustmesh/keystore';
import { KeystoreError } from '@trustmesh/keystore';
import type { Store } from '@trustmesh/store';
import type { Protection } from './ca-factory';
import { activeCaSet } from './ca-query';
import { META, PLATFORM_TYPE } from './layout';
import { readKeyFileForCa } from './unlock';
import type { Warn } from './warnings';

/**
 * The protection recorded in the store. For encrypted directories the passphrase must unlock
 * the platform intermediate key first, so new keys never end up under a mistyped passphrase:
 * throws KEY_PASSPHRASE_REQUIRED / KEY_PASSPHRASE_WRONG. Plaintext directories `warn` every time.
 */
export async function provenProtection(o: {
  dir: string;
  store: Store;
  passphrase?: string;
  kdf: KdfParams;
  warn: Warn;
}): Promise<Protection> {
  const mode = await o.store.getMeta(META.keyProtection);
  if (mode === 'plaintext') {
    o.warn('this state directory uses UNENCRYPTED key files (--insecure-plaintext-keys); development only');
    return { kind: 'plaintext' };
  }
  if (o.passphrase === undefined) throw new KeystoreError('KEY_PASSPHRASE_REQUIRED');
  const p: Protection = { kind: 'encrypted', passphrase: o.passphrase, kdf: o.kdf };
  const { intermediate } = await activeCaSet(o.store, PLATFORM_TYPE);
  await readKeyFileForCa(o.dir, intermediate, p);
  return p;
}
