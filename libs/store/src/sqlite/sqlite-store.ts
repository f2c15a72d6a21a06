import type Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { StoreError } from '../errors';
import {
  AuditEntry,
  AuditRecord,
  AuditVerifyResult,
  CaRecord,
  CaRole,
  CaState,
  IssuedCertRecord,
  StatusReportRecord,
  Store,
  TokenRecord,
} from '../types';
import { SqliteOpenOptions, openDatabase } from './open-database';
import * as audit from './sqlite-audit';
import * as rec from './sqlite-records';
import { toStoreError } from './sqlite-errors';
import * as tok from './sqlite-tokens';
import { WalSync } from './wal-sync';

/** State shared by a store and its transaction views. */
interface Shared {
  db: Database.Database;
  closed: boolean;
  /** Tail of the queue of top-level calls: each waits for the previous one to settle. */
  tail: Promise<unknown>;
  savepoints: number;
  /** Set for 'full' durability: every write resolves only after the WAL is fsynced. */
  wal?: WalSync;
}

/** The transaction view whose callback is running in the current async context, if any. */
const txContext = new AsyncLocalStorage<SqliteStore>();

/**
 * Store over one better-sqlite3 connection. better-sqlite3 is synchronous, so each call runs
 * to completion on its own; the queue only matters for `transaction`, whose callback awaits:
 * calls made meanwhile from outside wait, instead of landing inside the open transaction.
 */
class SqliteStore implements Store {
  /** `view` is set on the Store handed to a transaction callback; it bypasses the queue. */
  private constructor(
    private readonly shared: Shared,
    private readonly view?: { open: boolean },
  ) {}

  static create(db: Database.Database, wal?: WalSync): SqliteStore {
    return new SqliteStore({ db, closed: false, tail: Promise.resolve(), savepoints: 0, ...(wal ? { wal } : {}) });
  }

  /**
   * The open transaction view when this (outer) store is called from inside its own
   * transaction callback. Such calls join the transaction: queueing them behind it would wait
   * forever, since the transaction cannot end before its callback does.
   */
  private joined(): SqliteStore | undefined {
    if (this.view) return undefined;
    const v = txContext.getStore();
    return v && v.shared === this.shared && v.view?.open ? v : undefined;
  }

  /** A write: outside a transaction it resolves only once durable (see WalSync). */
  private write<T>(what: string, op: (db: Database.Database) => T): Promise<T> {
    return this.run(what, op, true);
  }

  private run<T>(what: string, op: (db: Database.Database) => T, writes = false): Promise<T> {
    const joined = this.joined();
    if (joined) return joined.run(what, op, writes);
    if (this.view) {
      if (!this.view.open || this.shared.closed)
        return Promise.reject(new StoreError('STORE_CLOSED', 'transaction has ended'));
      return new Promise<T>((resolve) => resolve(op(this.shared.db))).catch((err) => {
        throw toStoreError(err, what);
      });
    }
    const done = this.enqueue(async () => {
      if (this.shared.closed) throw new StoreError('STORE_CLOSED');
      try {
        return op(this.shared.db);
      } catch (err) {
        throw toStoreError(err, what);
      }
    });
    return writes ? this.durable(done) : done;
  }

  /** `committed`, resolved only once its commit is on disk (outside the queue: see WalSync). */
  private durable<T>(committed: Promise<T>): Promise<T> {
    const wal = this.shared.wal;
    return wal
      ? committed.then(async (r) => {
          await wal.sync();
          return r;
        })
      : committed;
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.shared.tail.then(fn, fn);
    this.shared.tail = result.catch(() => undefined);
    return result;
  }

  putCa(r: CaRecord) {
    return this.write('putCa', (db) => rec.putCa(db, r));
  }
  getCa(id: string) {
    return this.run('getCa', (db) => rec.getCa(db, id));
  }
  listCas(f?: { serviceType?: string; role?: CaRole; state?: CaState }) {
    return this.run('listCas', (db) => rec.listCas(db, f));
  }
  setCaState(id: string, state: CaState) {
    return this.write('setCaState', (db) => rec.setCaState(db, id, state));
  }
  recordIssued(r: IssuedCertRecord) {
    return this.write('recordIssued', (db) => rec.recordIssued(db, r));
  }
  listIssued(f?: { serviceType?: string; caId?: string; validAt?: Date }) {
    return this.run('listIssued', (db) => rec.listIssued(db, f));
  }
  putToken(r: TokenRecord) {
    return this.write('putToken', (db) => tok.putToken(db, r));
  }
  listTokens() {
    return this.run('listTokens', (db) => tok.listTokens(db));
  }
  revokeToken(id: string, now: Date) {
    return this.write('revokeToken', (db) => tok.revokeToken(db, id, now));
  }
  redeemToken(hash: string, now: Date, want: { serviceType: string; instanceId: string }) {
    return this.write('redeemToken', (db) => tok.redeemToken(db, hash, now, want));
  }
  putStatusReport(r: StatusReportRecord) {
    return this.write('putStatusReport', (db) => rec.putStatusReport(db, r));
  }
  listStatusReports(f?: { serviceType?: string }) {
    return this.run('listStatusReports', (db) => rec.listStatusReports(db, f));
  }
  appendAudit(e: AuditEntry): Promise<AuditRecord> {
    return this.write('appendAudit', (db) => audit.appendAudit(db, e));
  }
  listAudit(f?: { afterSeq?: number; limit?: number }) {
    return this.run('listAudit', (db) => audit.listAudit(db, f));
  }
  verifyAudit(): Promise<AuditVerifyResult> {
    return this.run('verifyAudit', (db) => audit.verifyAudit(db));
  }
  getMeta(key: string) {
    return this.run('getMeta', (db) => rec.getMeta(db, key));
  }
  setMeta(key: string, value: string) {
    return this.write('setMeta', (db) => rec.setMeta(db, key, value));
  }

  transaction<T>(fn: (s: Store) => Promise<T>): Promise<T> {
    const joined = this.joined();
    if (joined) return joined.transaction(fn);
    if (this.view) return this.nested(fn);
    return this.durable(
      this.enqueue(async () => {
        if (this.shared.closed) throw new StoreError('STORE_CLOSED');
        const db = this.shared.db;
        try {
          db.exec('BEGIN IMMEDIATE');
        } catch (err) {
          throw toStoreError(err, 'begin transaction');
        }
        const view = { open: true };
        const viewStore = new SqliteStore(this.shared, view);
        try {
          const result = await txContext.run(viewStore, () => fn(viewStore));
          view.open = false;
          db.exec('COMMIT');
          return result;
        } catch (err) {
          view.open = false;
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err instanceof StoreError || !isSqliteError(err) ? err : toStoreError(err, 'commit');
        }
      }),
    );
  }

  /** A transaction inside a transaction: a savepoint, rolled back alone if `fn` throws. */
  private async nested<T>(fn: (s: Store) => Promise<T>): Promise<T> {
    if (!this.view?.open || this.shared.closed) throw new StoreError('STORE_CLOSED', 'transaction has ended');
    const name = `sp${++this.shared.savepoints}`;
    const db = this.shared.db;
    db.exec(`SAVEPOINT ${name}`);
    const view = { open: true };
    try {
      const result = await fn(new SqliteStore(this.shared, view));
      db.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      db.exec(`ROLLBACK TO ${name}`);
      db.exec(`RELEASE ${name}`);
      throw err;
    } finally {
      view.open = false;
    }
  }

  close(): Promise<void> {
    if (this.view || this.joined())
      return Promise.reject(new StoreError('STORE_CLOSED', 'close the store, not the transaction'));
    return this.enqueue(async () => {
      if (this.shared.closed) return;
      this.shared.closed = true;
      await this.shared.wal?.close();
      this.shared.db.close();
    });
  }
}

function isSqliteError(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('SQLITE_');
}

/**
 * Opens a TrustMesh SQLite store (WAL, foreign keys, busy timeout), creating and migrating the
 * file when allowed. See SqliteOpenOptions for defaults. A file that is not ours is never
 * modified: DB_CORRUPT (not SQLite, truncated, fails its integrity check), DB_FOREIGN (another
 * application's SQLite file, or a newer schema), DB_MISSING (absent and not to be created).
 *
 * @throws StoreError DB_MISSING, DB_CORRUPT, DB_FOREIGN, DB_LOCKED, DB_READONLY, DB_ERROR
 */
export async function openSqliteStore(file: string, o?: SqliteOpenOptions): Promise<Store> {
  const db = openDatabase(file, o);
  if (o?.readonly || o?.synchronous === 'normal') return SqliteStore.create(db);
  // 'full': the same guarantee as synchronous=FULL (a resolved write survives power loss), with
  // the fsync taken off the thread (WalSync). Opening and migrating above ran with FULL.
  db.pragma('synchronous = NORMAL');
  return SqliteStore.create(db, new WalSync(`${db.name}-wal`));
}
