import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LATEST_SCHEMA_VERSION, Store, StoreErrorCode, openSqliteStore } from '../index';
import { at, caRecord, expectStoreError, tokenRecord } from '../testing/fixtures';
import { openDatabase } from './open-database';

const dir = mkdtempSync(join(tmpdir(), 'tm-store-files-'));
let n = 0;
const fresh = () => join(dir, `f${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A closed store file holding a little data (WAL checkpointed into the main file on close). */
async function populatedFile(): Promise<string> {
  const file = fresh();
  const s = await openSqliteStore(file);
  await s.putCa(caRecord('r1', { certificateDer: randomBytes(20_000) }));
  for (let i = 0; i < 20; i++)
    await s.appendAudit({ at: at(i), actor: 'cli', action: 'a', outcome: 'ok', details: { pad: 'x'.repeat(500) } });
  await s.close();
  return file;
}

/**
 * Opening `file` must fail with `code` and leave it byte-for-byte as it was. A rollback-journal
 * file gets no side files at all; for a WAL-mode file SQLite's read-only inspection may create
 * the standard `-wal`/`-shm` side files, but writes nothing into the log.
 */
async function expectRefusedUntouched(
  file: string,
  code: StoreErrorCode,
  o?: Parameters<typeof openSqliteStore>[1],
): Promise<void> {
  const walMode = readFileSync(file)
    .subarray(18, 20)
    .equals(Buffer.from([2, 2]));
  const before = digest(file);
  await expectStoreError(openSqliteStore(file, o), code);
  expect(digest(file)).toBe(before);
  if (!walMode) expect(existsSync(`${file}-wal`) || existsSync(`${file}-journal`)).toBe(false);
  else if (existsSync(`${file}-wal`)) expect(statSync(`${file}-wal`).size).toBe(0);
}

describe('openSqliteStore: files', () => {
  it('ok/a new file gets WAL, foreign keys, the marker and the latest schema; reopening migrates nothing', async () => {
    const file = fresh();
    await (await openSqliteStore(file)).close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT app FROM trustmesh_marker').pluck().get()).toBe('trustmesh');
    const applied = raw.prepare('SELECT version, applied_at FROM schema_migrations').all();
    expect(applied).toHaveLength(LATEST_SCHEMA_VERSION);
    raw.close();
    const s = await openSqliteStore(file);
    await expectStoreError(s.putCa({ ...caRecord('i1'), role: 'intermediate', parentId: 'ghost' }), 'NOT_FOUND'); // FKs on
    await s.close();
    const again = new Database(file, { readonly: true });
    expect(again.prepare('SELECT version, applied_at FROM schema_migrations').all()).toEqual(applied);
    again.close();
  });

  it('ok/synchronous defaults to FULL (2); normal (1) is opt-in', () => {
    const file = fresh();
    for (const [o, want] of [
      [{}, 2],
      [{ synchronous: 'normal' as const }, 1],
      [{ synchronous: 'full' as const }, 2],
    ] as const) {
      const db = openDatabase(file, o);
      expect(db.pragma('synchronous', { simple: true })).toBe(want);
      db.close();
    }
  });

  it('ok/data survives close and reopen', async () => {
    const file = await populatedFile();
    const s = await openSqliteStore(file);
    expect((await s.getCa('r1'))?.certificateDer).toHaveLength(20_000);
    expect(await s.verifyAudit()).toEqual({ ok: true, count: 20 });
    await s.close();
  });

  it('ok/a zero-byte file (e.g. from mktemp) is initialized', async () => {
    const file = fresh();
    writeFileSync(file, '');
    const s = await openSqliteStore(file);
    await s.setMeta('k', 'v');
    await s.close();
    expect(statSync(file).size).toBeGreaterThan(0);
  });

  it('fail/a missing file with create:false, or read-only, is DB_MISSING and is not created', async () => {
    const file = fresh();
    await expectStoreError(openSqliteStore(file, { create: false }), 'DB_MISSING');
    await expectStoreError(openSqliteStore(file, { readonly: true }), 'DB_MISSING');
    expect(existsSync(file)).toBe(false);
  });

  it('fail/random bytes are DB_CORRUPT, untouched', async () => {
    const file = fresh();
    writeFileSync(file, randomBytes(8192));
    await expectRefusedUntouched(file, 'DB_CORRUPT');
  });

  it('fail/a text file is DB_CORRUPT, untouched', async () => {
    const file = fresh();
    writeFileSync(file, 'trustDomain: example.test\n');
    await expectRefusedUntouched(file, 'DB_CORRUPT');
  });

  it('fail/a store truncated mid-page is DB_CORRUPT, untouched', async () => {
    const file = await populatedFile();
    truncateSync(file, statSync(file).size - 1000);
    await expectRefusedUntouched(file, 'DB_CORRUPT');
  });

  it('fail/a store truncated at a page boundary is DB_CORRUPT, untouched', async () => {
    const file = await populatedFile();
    truncateSync(file, Math.floor(statSync(file).size / 2 / 4096) * 4096);
    await expectRefusedUntouched(file, 'DB_CORRUPT');
  });

  it('fail/a store with a garbled page is DB_CORRUPT, untouched', async () => {
    const file = await populatedFile();
    const bytes = readFileSync(file);
    randomBytes(4096).copy(bytes, 4096 * 2);
    writeFileSync(file, bytes);
    await expectRefusedUntouched(file, 'DB_CORRUPT');
  });

  it('fail/a directory is DB_CORRUPT', async () => {
    const d = join(dir, `d${++n}`);
    mkdirSync(d);
    await expectStoreError(openSqliteStore(d), 'DB_CORRUPT');
  });

  it("fail/another application's SQLite file is DB_FOREIGN, untouched (even with create)", async () => {
    const file = fresh();
    const raw = new Database(file);
    raw.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada');");
    raw.close();
    await expectRefusedUntouched(file, 'DB_FOREIGN');
    await expectRefusedUntouched(file, 'DB_FOREIGN', { create: true });
    await expectRefusedUntouched(file, 'DB_FOREIGN', { readonly: true });
  });

  it('fail/an empty but initialized SQLite file is DB_FOREIGN, untouched', async () => {
    const file = fresh();
    const raw = new Database(file);
    raw.pragma('user_version = 7');
    raw.close();
    await expectRefusedUntouched(file, 'DB_FOREIGN');
  });

  it('fail/a marker naming another app is DB_FOREIGN, untouched', async () => {
    const file = await populatedFile();
    const raw = new Database(file);
    raw.prepare("UPDATE trustmesh_marker SET app = 'other'").run();
    raw.close();
    await expectRefusedUntouched(file, 'DB_FOREIGN');
  });

  it('fail/a newer schema version is DB_FOREIGN, untouched', async () => {
    const file = await populatedFile();
    const raw = new Database(file);
    raw
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(LATEST_SCHEMA_VERSION + 1, 'from the future', 0);
    raw.close();
    const err = await expectStoreError(openSqliteStore(file), 'DB_FOREIGN');
    expect(err.detail).toContain(`schema version ${LATEST_SCHEMA_VERSION + 1}`);
    await expectRefusedUntouched(file, 'DB_FOREIGN');
  });
});

describe('openSqliteStore: read-only', () => {
  it('ok/reads work; every write is DB_READONLY; the file is unchanged', async () => {
    const file = await populatedFile();
    const before = digest(file);
    const s = await openSqliteStore(file, { readonly: true });
    expect((await s.listCas()).map((c) => c.id)).toEqual(['r1']);
    expect(await s.verifyAudit()).toEqual({ ok: true, count: 20 });
    const writes: [string, (st: Store) => Promise<unknown>][] = [
      ['putCa', (st) => st.putCa(caRecord('r2'))],
      ['setCaState', (st) => st.setCaState('r1', 'retired')],
      ['putToken', (st) => st.putToken(tokenRecord('t').record)],
      ['appendAudit', (st) => st.appendAudit({ at: at(0), actor: 'a', action: 'b', outcome: 'ok' })],
      ['setMeta', (st) => st.setMeta('k', 'v')],
    ];
    for (const [, w] of writes) await expectStoreError(w(s), 'DB_READONLY');
    await s.close();
    expect(digest(file)).toBe(before);
  });
});

describe('openSqliteStore: locks', () => {
  it('fail/opening while another process holds the write lock is DB_LOCKED after the busy timeout', async () => {
    const file = await populatedFile();
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const t0 = Date.now();
      await expectStoreError(openSqliteStore(file, { busyTimeoutMs: 100 }), 'DB_LOCKED');
      expect(Date.now() - t0).toBeLessThan(3000);
      const s = await openSqliteStore(file, { readonly: true, busyTimeoutMs: 100 });
      expect(await s.getCa('r1')).not.toBeNull(); // WAL: readers are not blocked
      await s.close();
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('fail/a write while another connection holds the write lock is DB_LOCKED', async () => {
    const file = await populatedFile();
    const s = await openSqliteStore(file, { busyTimeoutMs: 100 });
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    try {
      await expectStoreError(s.setMeta('k', 'v'), 'DB_LOCKED');
      await expectStoreError(
        s.transaction(async (tx) => tx.setMeta('k', 'v')),
        'DB_LOCKED',
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    await s.setMeta('k', 'v');
    await s.close();
  });
});
