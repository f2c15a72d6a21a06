import Database from 'better-sqlite3';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { StoreError } from '../errors';
import { BOOTSTRAP_SQL, LATEST_SCHEMA_VERSION, MARKER_APP, MARKER_TABLE, MIGRATIONS, Migration } from './migrations';
import { toStoreError } from './sqlite-errors';

/** Options of openSqliteStore. */
export interface SqliteOpenOptions {
  /** Open read-only: reads work, writes fail with DB_READONLY, the file is never changed. Default false. */
  readonly?: boolean;
  /** Create (and initialize) the file when it does not exist. Default true unless readonly. */
  create?: boolean;
  /** How long to wait for another process's lock before DB_LOCKED. Default 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * 'full' (default): every commit is fsynced before the write resolves, so a redeemed token or
   * an audit record survives power loss (openSqliteStore does the fsync of the WAL on the libuv
   * thread pool instead of inside COMMIT, see WalSync; openDatabase alone uses SQLite's FULL).
   * 'normal': WAL is fsynced only at checkpoints; a process crash loses nothing, a power cut may
   * lose the last commits (the file stays consistent). Measured about 10-20x more single-record
   * commits per second; for high-rate signers that accept that trade.
   */
  synchronous?: 'full' | 'normal';
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** What is at `file` before we touch it. */
type FileState = 'missing' | 'empty' | 'sqlite';

/**
 * Looks at the file without opening it as a database: missing, zero bytes, or a plausible
 * SQLite file. Anything else (random bytes, a truncated file, a directory) is DB_CORRUPT.
 */
function inspectFile(file: string): FileState {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new StoreError('DB_CORRUPT', 'not a regular file');
    size = st.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err instanceof StoreError ? err : new StoreError('DB_ERROR', 'cannot stat the database file', { cause: err });
  }
  if (size === 0) return 'empty';
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 100 || !header.subarray(0, 16).equals(SQLITE_MAGIC)) {
    throw new StoreError('DB_CORRUPT', 'not a SQLite database');
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0 || size % pageSize !== 0) {
    throw new StoreError('DB_CORRUPT', 'file size does not match its page size (truncated?)');
  }
  // The in-header page count is valid when the change counter matches "version-valid-for".
  const pages = header.readUInt32BE(28);
  if (pages > 0 && header.readUInt32BE(24) === header.readUInt32BE(92) && size < pages * pageSize) {
    throw new StoreError('DB_CORRUPT', 'file is shorter than its header says (truncated)');
  }
  return 'sqlite';
}

/**
 * Checks through a read-only connection that an existing SQLite file is one of ours, intact,
 * and of a schema version we know. Returns that version. Never writes.
 */
function inspectDatabase(file: string, busyTimeoutMs: number): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (t) => t.name,
      ),
    );
    if (!tables.has(MARKER_TABLE) || !tables.has('schema_migrations')) {
      throw new StoreError('DB_FOREIGN', 'no TrustMesh marker table: this file belongs to something else');
    }
    const marker = db.prepare(`SELECT app FROM ${MARKER_TABLE} WHERE id = 1`).get() as { app: string } | undefined;
    if (marker?.app !== MARKER_APP) throw new StoreError('DB_FOREIGN', 'marker table does not name TrustMesh');
    const { v } = db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number };
    if (v > LATEST_SCHEMA_VERSION) {
      throw new StoreError(
        'DB_FOREIGN',
        `schema version ${v} is newer than this build knows (${LATEST_SCHEMA_VERSION})`,
      );
    }
    const check = db.prepare('PRAGMA quick_check').pluck().all() as string[];
    if (check.length !== 1 || check[0] !== 'ok') throw new StoreError('DB_CORRUPT', 'integrity check failed');
    return v;
  } catch (err) {
    throw toStoreError(err, 'inspecting the database');
  } finally {
    db?.close();
  }
}

/**
 * Applies BOOTSTRAP_SQL (on a fresh file) and every pending migration of `migrations`, all in
 * one IMMEDIATE transaction: either the schema reaches the newest version or nothing changes.
 * Exported for the migration tests; openDatabase always passes MIGRATIONS.
 *
 * @throws StoreError DB_FOREIGN (tables but no marker, or a newer recorded version)
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const latest = migrations[migrations.length - 1].version;
  // IMMEDIATE: two processes initializing one fresh file serialize here; the second then sees
  // the marker and applies nothing.
  db.transaction(() => {
    const hasMarker = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(MARKER_TABLE);
    if (!hasMarker) {
      const tables = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
      if (tables.n > 0)
        throw new StoreError('DB_FOREIGN', 'no TrustMesh marker table: this file belongs to something else');
      db.exec(BOOTSTRAP_SQL);
      db.prepare(`INSERT INTO ${MARKER_TABLE} (id, app, created_at) VALUES (1, ?, ?)`).run(MARKER_APP, Date.now());
    }
    const { v } = db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number };
    if (v > latest) {
      throw new StoreError('DB_FOREIGN', `schema version ${v} is newer than this build knows (${latest})`);
    }
    for (const m of migrations) {
      if (m.version <= v) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    }
  }).immediate();
}

/**
 * Opens (creating and migrating when allowed) a TrustMesh SQLite database and returns the
 * connection, configured with WAL (read-write), foreign keys and a busy timeout. A file that is
 * not SQLite or truncated is DB_CORRUPT, another application's SQLite file or a newer schema
 * is DB_FOREIGN; in all those cases the database file is left byte-for-byte as it was (for a
 * WAL-mode file, SQLite's read-only inspection may create its usual empty `-wal`/`-shm` files).
 *
 * @throws StoreError DB_MISSING, DB_CORRUPT, DB_FOREIGN, DB_LOCKED, DB_READONLY, DB_ERROR
 */
export function openDatabase(file: string, o: SqliteOpenOptions = {}): Database.Database {
  const readonly = o.readonly ?? false;
  const create = o.create ?? !readonly;
  const busyTimeoutMs = o.busyTimeoutMs ?? 5000;
  const state = inspectFile(file);
  if (state === 'missing' && (readonly || !create)) throw new StoreError('DB_MISSING', file);
  if (state === 'empty' && readonly) throw new StoreError('DB_MISSING', 'file is empty');
  if (state === 'sqlite') {
    const version = inspectDatabase(file, busyTimeoutMs);
    if (readonly && version < LATEST_SCHEMA_VERSION) {
      throw new StoreError('DB_READONLY', 'schema needs a migration: open it read-write once');
    }
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly, fileMustExist: state !== 'missing', timeout: busyTimeoutMs });
    db.pragma('foreign_keys = ON');
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      // FULL by default: a committed CA record or token use survives power loss, not only a crash.
      db.pragma(`synchronous = ${o.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      applyMigrations(db);
    }
    return db;
  } catch (err) {
    db?.close();
    throw toStoreError(err, 'opening the database');
  }
}
