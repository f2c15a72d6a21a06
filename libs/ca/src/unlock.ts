/**
 * Unlocking CA keys of a state directory: the key file named by the record's keyRef, with the
 * passphrase when the directory's keys are encrypted.
 */
import type { KeyObject } from 'node:crypto';
import { readKeyFile } from '@trustmesh/keystore';
import type { CaRecord } from '@trustmesh/store';
import type { Protection } from './ca-factory';
import { statePath } from './layout';

/**
 * Reads the private key of `ca` from `dir`. Throws keystore errors as they are:
 * KEY_NOT_FOUND (e.g. an offline root moved off the machine), KEY_PASSPHRASE_WRONG, ...
 */
export function readKeyFileForCa(dir: string, ca: CaRecord, p: Protection): Promise<KeyObject> {
  return readKeyFile(statePath(dir, ca.keyRef), p.kind === 'encrypted' ? p.passphrase : undefined);
}
