import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '../errors';
import { openSqliteStore } from '../index';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, Migration } from './migrations';
import { applyMigrations } from './open-database';

const dir = mkdtempSync(join(tmpdir(), 'tm-store-migrations-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file at the current schema, with one CA-less meta row, as a raw connection. */
async function currentSchema(): Promise<Database.Database> {
  const file = join(dir, `m${++n}.db`);
  const s = await openSqliteStore(file);
  await s.setMeta('k', 'v');
  await s.close();
  return new Database(file);
}

const versions = (db: Database.Database) =>
  db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
const hasTable = (db: Database.Database, t: string) =>
  !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t);

describe('schema migrations', () => {
  it('ok/a pending migration is applied once and recorded; data is kept', async () => {
    const db = await currentSchema();
    const next: Migration[] = [
      ...MIGRATIONS,
      { version: LATEST_SCHEMA_VERSION + 1, name: 'add x', sql: 'CREATE TABLE x (y TEXT)' },
    ];
    applyMigrations(db, next);
    applyMigrations(db, next);
    expect(versions(db)).toEqual(next.map((m) => m.version));
    expect(hasTable(db, 'x')).toBe(true);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'k'").pluck().get()).toBe('v');
    db.close();
  });

  it('fail/a migration that fails midway leaves the schema exactly as it was', async () => {
    const db = await currentSchema();
    const broken: Migration[] = [
      ...MIGRATIONS,
      { version: LATEST_SCHEMA_VERSION + 1, name: 'ok part', sql: 'CREATE TABLE a1 (y TEXT)' },
      {
        version: LATEST_SCHEMA_VERSION + 2,
        name: 'broken',
        sql: 'CREATE TABLE a2 (y TEXT); INSERT INTO nope VALUES (1)',
      },
    ];
    expect(() => applyMigrations(db, broken)).toThrow(/nope/);
    expect(versions(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(hasTable(db, 'a1')).toBe(false);
    expect(hasTable(db, 'a2')).toBe(false);
    db.close();
  });

  it('fail/a recorded version newer than the list is DB_FOREIGN', async () => {
    const db = await currentSchema();
    const older = MIGRATIONS.slice(0, -1).length ? MIGRATIONS.slice(0, -1) : [{ version: 0, name: 'none', sql: '' }];
    let caught: unknown;
    try {
      applyMigrations(db, older);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as StoreError).code).toBe('DB_FOREIGN');
    db.close();
  });

  it('ok/versions are strictly increasing from 1', () => {
    MIGRATIONS.forEach((m, i) => expect(m.version).toBe(i + 1));
  });
});
