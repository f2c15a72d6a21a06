import { Store } from '../types';
import { at, expectStoreError, tokenHash, tokenRecord } from './fixtures';

const API1 = { serviceType: 'api', instanceId: 'api-1' };

/** Bootstrap tokens: hashes only, single use, type- and instance-bound, expiring, revocable. */
export function describeTokensContract(open: () => Promise<Store>): void {
  let s: Store;
  beforeEach(async () => {
    s = await open();
  });
  afterEach(async () => {
    await s.close();
  });

  describe('tokens', () => {
    it('ok/put and list keep the hash, never a secret', async () => {
      const { record, secret } = tokenRecord('t1');
      await s.putToken(record);
      const list = await s.listTokens();
      expect(list).toEqual([record]);
      expect(JSON.stringify(list)).not.toContain(secret);
    });

    it('ok/redeem once: returns the record with usedAt = now; a second redeem is TOKEN_USED', async () => {
      const { record, secret } = tokenRecord('t1');
      await s.putToken(record);
      expect(await s.redeemToken(tokenHash(secret), at(10), API1)).toEqual({ ...record, usedAt: at(10) });
      await expectStoreError(s.redeemToken(tokenHash(secret), at(11), API1), 'TOKEN_USED');
      expect((await s.listTokens())[0].usedAt).toEqual(at(10));
    });

    it('ok/an instance-bound token redeems for that instance', async () => {
      const { record } = tokenRecord('t1', { instanceId: 'api-1' });
      await s.putToken(record);
      expect((await s.redeemToken(record.hash, at(1), API1)).usedAt).toEqual(at(1));
    });

    it('ok/concurrent redeemers: exactly one wins, the rest see TOKEN_USED', async () => {
      const { record } = tokenRecord('t1');
      await s.putToken(record);
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => s.redeemToken(record.hash, at(1 + i), API1)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []));
      expect(codes).toEqual(Array(7).fill('TOKEN_USED'));
    });

    it('fail/an unknown hash (or a malformed one) is TOKEN_UNKNOWN', async () => {
      await expectStoreError(s.redeemToken(tokenHash('nope'), at(1), API1), 'TOKEN_UNKNOWN');
      await expectStoreError(s.redeemToken("' OR 1=1 --", at(1), API1), 'TOKEN_UNKNOWN');
    });

    it('fail/expired at exactly expiresAt is TOKEN_EXPIRED, and stays unused', async () => {
      const { record } = tokenRecord('t1');
      await s.putToken(record);
      await expectStoreError(s.redeemToken(record.hash, record.expiresAt, API1), 'TOKEN_EXPIRED');
      expect((await s.listTokens())[0].usedAt).toBeNull();
    });

    it('fail/revoked is TOKEN_REVOKED; revoking twice keeps the first time', async () => {
      const { record } = tokenRecord('t1');
      await s.putToken(record);
      await s.revokeToken('t1', at(5));
      await s.revokeToken('t1', at(9));
      expect((await s.listTokens())[0].revokedAt).toEqual(at(5));
      await expectStoreError(s.redeemToken(record.hash, at(6), API1), 'TOKEN_REVOKED');
    });

    it('fail/a used then revoked token reports TOKEN_REVOKED', async () => {
      const { record } = tokenRecord('t1');
      await s.putToken(record);
      await s.redeemToken(record.hash, at(1), API1);
      await s.revokeToken('t1', at(2));
      await expectStoreError(s.redeemToken(record.hash, at(3), API1), 'TOKEN_REVOKED');
    });

    it('fail/wrong type is TOKEN_WRONG_TYPE and does not burn the token', async () => {
      const { record } = tokenRecord('t1');
      await s.putToken(record);
      await expectStoreError(
        s.redeemToken(record.hash, at(1), { serviceType: 'db', instanceId: 'api-1' }),
        'TOKEN_WRONG_TYPE',
      );
      expect((await s.redeemToken(record.hash, at(2), API1)).usedAt).toEqual(at(2));
    });

    it('fail/wrong instance is TOKEN_WRONG_INSTANCE and does not burn the token', async () => {
      const { record } = tokenRecord('t1', { instanceId: 'api-2' });
      await s.putToken(record);
      await expectStoreError(s.redeemToken(record.hash, at(1), API1), 'TOKEN_WRONG_INSTANCE');
      expect((await s.listTokens())[0].usedAt).toBeNull();
    });

    it('fail/revoking an unknown token is NOT_FOUND', async () => {
      await expectStoreError(s.revokeToken('nope', at(1)), 'NOT_FOUND');
    });

    it('fail/a repeated id or hash is CONFLICT', async () => {
      const a = tokenRecord('t1').record;
      await s.putToken(a);
      await expectStoreError(s.putToken(tokenRecord('t1').record), 'CONFLICT');
      await expectStoreError(s.putToken({ ...tokenRecord('t2').record, hash: a.hash }), 'CONFLICT');
    });

    it.each([
      ['fail/a secret instead of a hash', { hash: 'my-secret-token' }],
      ['fail/upper-case hash', { hash: 'A'.repeat(64) }],
      ['fail/expiry not after creation', { expiresAt: at(0) }],
      ['fail/empty type', { serviceType: '' }],
    ])('%s is INVALID_RECORD', async (_n, over) => {
      await expectStoreError(s.putToken({ ...tokenRecord('t1').record, ...over }), 'INVALID_RECORD');
    });
  });
}
