import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../index';
import { expectStoreError } from '../testing/fixtures';
import { WalSync } from './wal-sync';

const dir = mkdtempSync(join(tmpdir(), 'tm-store-walsync-'));
let n = 0;
const fresh = () => join(dir, `w${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => jest.restoreAllMocks());

/** Observes (does not replace) the real WalSync.sync: the order of syncs and resolved calls. */
function watchSyncs(events: string[]): void {
  const real = WalSync.prototype.sync;
  jest.spyOn(WalSync.prototype, 'sync').mockImplementation(function (this: WalSync) {
    return real.call(this).then(() => void events.push('synced'));
  });
}

describe('WalSync: durable writes without blocking the thread', () => {
  it("ok/'full' (default): every write and every transaction resolves after its own WAL fsync; reads do not sync", async () => {
    const events: string[] = [];
    const store = await openSqliteStore(fresh());
    watchSyncs(events);
    try {
      await store.setMeta('a', '1').then(() => events.push('setMeta'));
      await store.getMeta('a').then(() => events.push('getMeta'));
      await store
        .transaction(async (t) => {
          await t.setMeta('b', '2');
          await t.setMeta('c', '3');
        })
        .then(() => events.push('transaction'));
      await store.listAudit().then(() => events.push('listAudit'));
      expect(events).toEqual(['synced', 'setMeta', 'getMeta', 'synced', 'transaction', 'listAudit']);
    } finally {
      await store.close();
    }
  });

  it("ok/'normal' never syncs from the store (SQLite syncs only at checkpoints)", async () => {
    const events: string[] = [];
    const store = await openSqliteStore(fresh(), { synchronous: 'normal' });
    watchSyncs(events);
    try {
      await store.setMeta('a', '1');
      await store.transaction((t) => t.setMeta('b', '2'));
      expect(events).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('ok/a failed write does not sync and the store goes on', async () => {
    const events: string[] = [];
    const store = await openSqliteStore(fresh());
    watchSyncs(events);
    try {
      await expectStoreError(store.setCaState('nope', 'active'), 'NOT_FOUND');
      expect(events).toEqual([]);
      await store.setMeta('after', '1');
      expect(events).toEqual(['synced']);
    } finally {
      await store.close();
    }
  });

  it('ok/callers arriving while an fsync runs share the next one (group sync)', async () => {
    const file = fresh();
    const store = await openSqliteStore(file);
    await store.setMeta('a', '1');
    const w = new WalSync(`${file}-wal`);
    const fsyncs = jest.spyOn(WalSync.prototype as unknown as { fsyncOnce(): Promise<void> }, 'fsyncOnce');
    try {
      await Promise.all([w.sync(), w.sync(), w.sync(), w.sync()]);
      expect(fsyncs).toHaveBeenCalledTimes(2);
      await w.sync();
      expect(fsyncs).toHaveBeenCalledTimes(3);
    } finally {
      await w.close();
      await store.close();
    }
  });

  it('fail/a WAL that cannot be opened is DB_ERROR', async () => {
    await expectStoreError(new WalSync(join(dir, 'missing', 'x.db-wal')).sync(), 'DB_ERROR');
  });
});
