import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../index';
import { at, tokenRecord } from '../testing/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'tm-store-race-'));
let n = 0;
const fresh = () => join(dir, `r${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const API1 = { serviceType: 'api', instanceId: 'api-1' };

// Three processes racing for one token: sqlite-concurrency.child.e2e.ts.
describe('SQLite: several connections on one file', () => {
  it('ok/two stores: a token redeemed through one is TOKEN_USED through the other', async () => {
    const file = fresh();
    const a = await openSqliteStore(file);
    const b = await openSqliteStore(file);
    const { record } = tokenRecord('t1');
    await a.putToken(record);
    const results = await Promise.allSettled([
      a.redeemToken(record.hash, at(1), API1),
      b.redeemToken(record.hash, at(1), API1),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.code).toBe('TOKEN_USED');
    await a.close();
    await b.close();
  });

  it('ok/interleaved appends from two stores keep one valid chain', async () => {
    const file = fresh();
    const a = await openSqliteStore(file);
    const b = await openSqliteStore(file);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).appendAudit({ at: at(i), actor: i % 2 ? 'a' : 'b', action: 'x', outcome: 'ok' }),
      ),
    );
    expect(await a.verifyAudit()).toEqual({ ok: true, count: 20 });
    expect((await b.listAudit()).map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await a.close();
    await b.close();
  });
});
