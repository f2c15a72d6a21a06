/**
 * Typed errors of the keystore, each with a stable code and one fixed, user-safe message.
 * Callers branch on `err.code`; `detail` may carry a path or an OS error code for logs.
 */

/** Stable reason codes of {@link KeystoreError}. */
export type KeystoreErrorCode =
  | 'KEY_NOT_FOUND'
  | 'KEY_PASSPHRASE_WRONG'
  | 'KEY_PASSPHRASE_REQUIRED'
  | 'KEY_PASSPHRASE_WEAK'
  | 'KEY_FILE_CORRUPT'
  | 'KEY_EXISTS'
  | 'KEY_WRITE_FAILED'
  | 'KDF_PARAMS_INVALID'
  | 'FILE_EXISTS'
  | 'WRITE_FAILED'
  | 'LOCKED'
  | 'LOCK_FAILED';

const MESSAGES: Readonly<Record<KeystoreErrorCode, string>> = {
  KEY_NOT_FOUND: 'key file not found',
  KEY_PASSPHRASE_WRONG: 'wrong passphrase for the encrypted key file',
  KEY_PASSPHRASE_REQUIRED: 'the key file is encrypted and no passphrase was given',
  KEY_PASSPHRASE_WEAK: 'the passphrase is too short (at least 8 characters)',
  KEY_FILE_CORRUPT: 'key file is corrupt or truncated',
  KEY_EXISTS: 'a key file already exists at this path and is never overwritten',
  KEY_WRITE_FAILED: 'writing the key file failed; nothing was written',
  KDF_PARAMS_INVALID: 'key derivation parameters are out of the allowed range',
  FILE_EXISTS: 'the target file already exists and is not overwritten',
  WRITE_FAILED: 'writing the file failed; the target was left untouched',
  LOCKED: 'another trustmesh process holds the lock on this state directory',
  LOCK_FAILED: 'could not create or release the lock file',
};

/** The one error type thrown by this library. `message` is fixed per `code`. */
export class KeystoreError extends Error {
  readonly code: KeystoreErrorCode;
  readonly detail?: string;

  constructor(code: KeystoreErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(MESSAGES[code], options);
    this.name = 'KeystoreError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }
}

/** True when `err` is a {@link KeystoreError}, optionally with the given code. */
export function isKeystoreError(err: unknown, code?: KeystoreErrorCode): err is KeystoreError {
  return err instanceof KeystoreError && (code === undefined || err.code === code);
}
