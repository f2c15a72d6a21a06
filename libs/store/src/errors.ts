/**
 * Typed errors of libs/store. Every failure that leaves a Store is a {@link StoreError} with a
 * stable `code` and one fixed, user-safe message per code; `detail` names the specifics and
 * `cause` keeps the driver error (never shown to remote callers).
 */

/** Stable error codes. Callers switch on these; the set only grows. */
export type StoreErrorCode =
  | 'DB_MISSING'
  | 'DB_CORRUPT'
  | 'DB_FOREIGN'
  | 'DB_LOCKED'
  | 'DB_READONLY'
  | 'DB_ERROR'
  | 'STORE_CLOSED'
  | 'INVALID_RECORD'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOKEN_UNKNOWN'
  | 'TOKEN_USED'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_REVOKED'
  | 'TOKEN_WRONG_TYPE'
  | 'TOKEN_WRONG_INSTANCE';

const MESSAGES: Record<StoreErrorCode, string> = {
  DB_MISSING: 'database file does not exist',
  DB_CORRUPT: 'database file is corrupt or not a SQLite database',
  DB_FOREIGN: 'database file does not belong to this version of TrustMesh',
  DB_LOCKED: 'database is locked by another process',
  DB_READONLY: 'database is open read-only',
  DB_ERROR: 'database operation failed',
  STORE_CLOSED: 'store (or transaction) is closed',
  INVALID_RECORD: 'record is invalid',
  NOT_FOUND: 'record not found',
  CONFLICT: 'record already exists',
  TOKEN_UNKNOWN: 'bootstrap token is unknown',
  TOKEN_USED: 'bootstrap token was already used',
  TOKEN_EXPIRED: 'bootstrap token has expired',
  TOKEN_REVOKED: 'bootstrap token was revoked',
  TOKEN_WRONG_TYPE: 'bootstrap token is for another service type',
  TOKEN_WRONG_INSTANCE: 'bootstrap token is for another instance',
};

/** The only error type a Store throws. `message` is fixed per code (plus detail). */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly detail?: string;

  constructor(code: StoreErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(`store: ${MESSAGES[code]}${detail ? ` (${detail})` : ''}`, options);
    this.code = code;
    this.detail = detail;
  }
}

/** True when `err` is a StoreError, optionally with the given code. */
export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
