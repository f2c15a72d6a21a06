/** The CA keys of a state directory, as the signer loads them. */
import type { StateReader } from '@trustmesh/ca';
import { readKeyFile } from '@trustmesh/keystore';
import type { KeyLoader } from './issuer-pool';

/**
 * Loads a CA key by its record's `keyRef` (relative to D) with `passphrase` (none: plaintext key
 * files only). Rejects with the keystore's errors: KEY_NOT_FOUND, KEY_PASSPHRASE_WRONG,
 * KEY_PASSPHRASE_REQUIRED, KEY_FILE_CORRUPT.
 */
export function stateKeyLoader(state: Pick<StateReader, 'keyPath'>, passphrase: string | undefined): KeyLoader {
  return (keyRef) => readKeyFile(state.keyPath(keyRef), passphrase);
}
