import { Store } from '../types';
import { at, caRecord, expectStoreError, intermediateRecord } from './fixtures';

/** transaction(): all or nothing, savepoints, isolation from concurrent callers. */
export function describeTransactionsContract(open: () => Promise<Store>): void {
  let s: Store;
  beforeEach(async () => {
    s = await open();
  });
  afterEach(async () => {
    await s.close();
  });

  describe('transactions', () => {
    it('ok/commit makes every write visible and returns the result', async () => {
      const n = await s.transaction(async (tx) => {
        await tx.putCa(caRecord('r1'));
        await tx.putCa(intermediateRecord('i1', 'r1'));
        await tx.appendAudit({ at: at(0), actor: 'cli', action: 'ca.create', outcome: 'ok' });
        return (await tx.listCas()).length;
      });
      expect(n).toBe(2);
      expect((await s.listCas()).map((c) => c.id)).toEqual(['r1', 'i1']);
    });

    it('ok/a throw rolls back every write (CA, audit, meta) and rethrows the same error', async () => {
      const boom = new Error('boom');
      await expect(
        s.transaction(async (tx) => {
          await tx.putCa(caRecord('r1'));
          await tx.appendAudit({ at: at(0), actor: 'cli', action: 'x', outcome: 'ok' });
          await tx.setMeta('k', 'v');
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await s.listCas()).toEqual([]);
      expect(await s.listAudit()).toEqual([]);
      expect(await s.getMeta('k')).toBeNull();
      expect(await s.verifyAudit()).toEqual({ ok: true, count: 0 });
    });

    it('ok/a StoreError inside rolls back too', async () => {
      await expectStoreError(
        s.transaction(async (tx) => {
          await tx.putCa(caRecord('r1'));
          await tx.putCa(caRecord('r1'));
        }),
        'CONFLICT',
      );
      expect(await s.listCas()).toEqual([]);
    });

    it('ok/a nested transaction that throws rolls back only itself', async () => {
      await s.transaction(async (tx) => {
        await tx.setMeta('outer', '1');
        await expect(
          tx.transaction(async (inner) => {
            await inner.setMeta('inner', '1');
            throw new Error('inner');
          }),
        ).rejects.toThrow('inner');
        await tx.transaction(async (inner) => inner.setMeta('inner2', '1'));
      });
      expect(await s.getMeta('outer')).toBe('1');
      expect(await s.getMeta('inner')).toBeNull();
      expect(await s.getMeta('inner2')).toBe('1');
    });

    it('ok/calls from outside wait for an open transaction and are not rolled back with it', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const tx = s.transaction(async (t) => {
        await t.setMeta('inside', '1');
        await gate;
        throw new Error('abort');
      });
      const outside = s.setMeta('outside', '1');
      release();
      await expect(tx).rejects.toThrow('abort');
      await outside;
      expect(await s.getMeta('inside')).toBeNull();
      expect(await s.getMeta('outside')).toBe('1');
    });

    it('ok/calls on the outer store from inside the callback join the transaction', async () => {
      await expect(
        s.transaction(async () => {
          await s.setMeta('joined', '1');
          await s.transaction(async (inner) => inner.setMeta('joined-nested', '1'));
          expect(await s.getMeta('joined')).toBe('1');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await s.getMeta('joined')).toBeNull();
      expect(await s.getMeta('joined-nested')).toBeNull();
    });

    it('fail/closing the store from inside a transaction is STORE_CLOSED, and the store stays usable', async () => {
      await s.transaction(async () => {
        await expectStoreError(s.close(), 'STORE_CLOSED');
      });
      await s.setMeta('after', '1');
      expect(await s.getMeta('after')).toBe('1');
    });

    it('fail/the transaction store is closed once the transaction ends', async () => {
      let kept: Store | undefined;
      await s.transaction(async (t) => {
        kept = t;
      });
      await expectStoreError((kept as Store).setMeta('late', '1'), 'STORE_CLOSED');
      expect(await s.getMeta('late')).toBeNull();
    });
  });
}
