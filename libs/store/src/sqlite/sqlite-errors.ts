import { StoreError } from '../errors';

/**
 * Maps a better-sqlite3 error to a StoreError (StoreErrors pass through). SQLite's extended
 * result codes tell lock contention, corruption, read-only and constraint kinds apart.
 */
export function toStoreError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError('DB_LOCKED', what, { cause: err });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreError('DB_CORRUPT', what, { cause: err });
  }
  if (code.startsWith('SQLITE_READONLY') || (code === 'SQLITE_CANTOPEN' && /readonly/i.test(String(err)))) {
    return new StoreError('DB_READONLY', what, { cause: err });
  }
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new StoreError('CONFLICT', what, { cause: err });
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new StoreError('NOT_FOUND', `${what}: a referenced CA does not exist`, { cause: err });
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new StoreError('INVALID_RECORD', what, { cause: err });
  }
  return new StoreError('DB_ERROR', what, { cause: err });
}
