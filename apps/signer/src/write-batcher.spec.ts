import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type Store } from '@trustmesh/store';
import { WriteBatcher } from './write-batcher';

describe('WriteBatcher', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tm-batch-'));
    store = await openSqliteStore(join(dir, 'db'));
  });
  afterEach(async () => {
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok/concurrent jobs share a batch; a failing job is rolled back alone', async () => {
    const b = new WriteBatcher(store);
    let batches = 0;
    const original = store.transaction.bind(store);
    store.transaction = (fn) => {
      batches++;
      return original(fn);
    };
    const results = await Promise.allSettled([
      b.run((s) => s.setMeta('a', '1')),
      b.run(async (s) => {
        await s.setMeta('b', '2');
        throw new Error('job failed');
      }),
      b.run(async (s) => {
        await s.setMeta('c', '3');
        return 'done';
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseFulfilledResult<string>).value).toBe('done');
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'job failed' });
    expect(batches).toBe(1);
    expect([await store.getMeta('a'), await store.getMeta('b'), await store.getMeta('c')]).toEqual(['1', null, '3']);
  });

  it('ok/jobs queued during a commit go into the next batch; drain waits for all', async () => {
    const b = new WriteBatcher(store, 2);
    const all = Array.from({ length: 5 }, (_, i) => b.run((s) => s.setMeta(`k${i}`, String(i))));
    await b.drain();
    await Promise.all(all);
    for (let i = 0; i < 5; i++) expect(await store.getMeta(`k${i}`)).toBe(String(i));
  });

  it('fail/when the transaction cannot start every job of the batch rejects with that error', async () => {
    const b = new WriteBatcher(store);
    await store.close();
    const results = await Promise.allSettled([b.run((s) => s.setMeta('a', '1')), b.run((s) => s.setMeta('b', '2'))]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : 'ok'))).toEqual([
      'STORE_CLOSED',
      'STORE_CLOSED',
    ]);
  });
});
