import { Store } from '../types';
import { at, caRecord, expectStoreError, intermediateRecord, issuedRecord } from './fixtures';

/** CAs, issued certificates, status reports, metadata, close. */
export function describeRecordsContract(open: () => Promise<Store>): void {
  let s: Store;
  beforeEach(async () => {
    s = await open();
  });
  afterEach(async () => {
    await s.close();
  });

  describe('CAs', () => {
    it('ok/putCa then getCa round-trips every field (Buffer, Dates)', async () => {
      const root = caRecord('aa01', { notBefore: new Date(1_700_000_000_123) });
      await s.putCa(root);
      const got = await s.getCa('aa01');
      expect(got).toEqual(root);
      expect(Buffer.isBuffer(got?.certificateDer)).toBe(true);
      expect(got?.notBefore.getTime()).toBe(1_700_000_000_123);
    });

    it('ok/getCa of an unknown id is null', async () => {
      expect(await s.getCa('nope')).toBeNull();
    });

    it('ok/listCas filters and orders (type, root first, createdAt, id)', async () => {
      await s.putCa(caRecord('r-db', { serviceType: 'db' }));
      await s.putCa(caRecord('r-api', { serviceType: 'api' }));
      await s.putCa(intermediateRecord('i-api-2', 'r-api', { createdAt: at(20) }));
      await s.putCa(intermediateRecord('i-api-1', 'r-api', { createdAt: at(10), state: 'retiring' }));
      expect((await s.listCas()).map((c) => c.id)).toEqual(['r-api', 'i-api-1', 'i-api-2', 'r-db']);
      expect((await s.listCas({ serviceType: 'api', role: 'intermediate' })).map((c) => c.id)).toEqual([
        'i-api-1',
        'i-api-2',
      ]);
      expect((await s.listCas({ state: 'retiring' })).map((c) => c.id)).toEqual(['i-api-1']);
      expect(await s.listCas({ serviceType: 'ghost' })).toEqual([]);
    });

    it('ok/setCaState changes only the state', async () => {
      const r1 = caRecord('r1');
      await s.putCa(r1);
      await s.setCaState('r1', 'retiring');
      expect(await s.getCa('r1')).toEqual({ ...r1, state: 'retiring' });
    });

    it('fail/putCa with an existing id is CONFLICT', async () => {
      await s.putCa(caRecord('r1'));
      await expectStoreError(s.putCa(caRecord('r1')), 'CONFLICT');
    });

    it('fail/an intermediate whose parent is not stored is NOT_FOUND', async () => {
      await expectStoreError(s.putCa(intermediateRecord('i1', 'missing-root')), 'NOT_FOUND');
      expect(await s.listCas()).toEqual([]);
    });

    it('fail/setCaState of an unknown CA is NOT_FOUND', async () => {
      await expectStoreError(s.setCaState('nope', 'retired'), 'NOT_FOUND');
    });

    it.each([
      ['fail/bad role', { role: 'leaf' }],
      ['fail/bad state', { state: 'zombie' }],
      ['fail/invalid date', { notAfter: new Date(Number.NaN) }],
      ['fail/root with a parent', { parentId: 'x' }],
      ['fail/empty certificate', { certificateDer: Buffer.alloc(0) }],
      ['fail/empty id', { id: '' }],
    ])('%s is INVALID_RECORD', async (_n, over) => {
      await expectStoreError(s.putCa({ ...caRecord('r1'), ...(over as object) }), 'INVALID_RECORD');
    });

    it('fail/setCaState to an unknown state is INVALID_RECORD', async () => {
      await s.putCa(caRecord('r1'));
      await expectStoreError(s.setCaState('r1', 'zombie' as never), 'INVALID_RECORD');
    });
  });

  describe('issued certificates', () => {
    beforeEach(async () => {
      await s.putCa(caRecord('r1'));
      await s.putCa(intermediateRecord('i1', 'r1'));
      await s.putCa(intermediateRecord('i2', 'r1', { serviceType: 'db' }));
    });

    it('ok/recordIssued round-trips; listIssued filters by type, CA and validity instant', async () => {
      const a = issuedRecord('01', 'i1', { notBefore: at(0), notAfter: at(100), issuedAt: at(0) });
      const b = issuedRecord('02', 'i1', {
        notBefore: at(50),
        notAfter: at(150),
        issuedAt: at(50),
        sans: { dns: [], uris: ['u'], ips: ['10.0.0.1'] },
      });
      const c = issuedRecord('03', 'i2', { serviceType: 'db', instanceId: 'db-1', issuedAt: at(10) });
      for (const r of [b, c, a]) await s.recordIssued(r);
      expect(await s.listIssued()).toEqual([a, c, b]);
      expect((await s.listIssued({ serviceType: 'api' })).map((r) => r.serialHex)).toEqual(['01', '02']);
      expect((await s.listIssued({ caId: 'i2' })).map((r) => r.serialHex)).toEqual(['03']);
      // notBefore <= t < notAfter
      expect((await s.listIssued({ serviceType: 'api', validAt: at(50) })).map((r) => r.serialHex)).toEqual([
        '01',
        '02',
      ]);
      expect((await s.listIssued({ serviceType: 'api', validAt: at(100) })).map((r) => r.serialHex)).toEqual(['02']);
      expect((await s.listIssued({ serviceType: 'api', validAt: at(150) })).map((r) => r.serialHex)).toEqual([]);
    });

    it('ok/the same serial under two CAs is two records', async () => {
      await s.recordIssued(issuedRecord('0a', 'i1'));
      await s.recordIssued(issuedRecord('0a', 'i2'));
      expect(await s.listIssued()).toHaveLength(2);
    });

    it('fail/a repeated serial under one CA is CONFLICT', async () => {
      await s.recordIssued(issuedRecord('0a', 'i1'));
      await expectStoreError(s.recordIssued(issuedRecord('0a', 'i1')), 'CONFLICT');
    });

    it('fail/an unknown issuing CA is NOT_FOUND', async () => {
      await expectStoreError(s.recordIssued(issuedRecord('0a', 'ghost')), 'NOT_FOUND');
    });

    it('fail/upper-case serial or bad SANs are INVALID_RECORD', async () => {
      await expectStoreError(s.recordIssued(issuedRecord('0A', 'i1')), 'INVALID_RECORD');
      await expectStoreError(
        s.recordIssued(issuedRecord('0b', 'i1', { sans: { dns: [1], uris: [], ips: [] } as never })),
        'INVALID_RECORD',
      );
    });
  });

  describe('status reports and metadata', () => {
    it('ok/one latest report per instance, filtered by type', async () => {
      await s.putStatusReport({ serviceType: 'api', instanceId: 'a2', receivedAt: at(1), report: { v: 1 } });
      await s.putStatusReport({
        serviceType: 'api',
        instanceId: 'a1',
        receivedAt: at(2),
        report: { serial: 'x', peers: ['db'] },
      });
      await s.putStatusReport({ serviceType: 'db', instanceId: 'd1', receivedAt: at(3), report: {} });
      await s.putStatusReport({ serviceType: 'api', instanceId: 'a2', receivedAt: at(4), report: { v: 2 } });
      expect(await s.listStatusReports({ serviceType: 'api' })).toEqual([
        { serviceType: 'api', instanceId: 'a1', receivedAt: at(2), report: { serial: 'x', peers: ['db'] } },
        { serviceType: 'api', instanceId: 'a2', receivedAt: at(4), report: { v: 2 } },
      ]);
      expect((await s.listStatusReports()).map((r) => r.instanceId)).toEqual(['a1', 'a2', 'd1']);
    });

    it('fail/a report that is not JSON is INVALID_RECORD', async () => {
      await expectStoreError(
        s.putStatusReport({ serviceType: 'api', instanceId: 'a', receivedAt: at(0), report: { n: Number.NaN } }),
        'INVALID_RECORD',
      );
    });

    it('ok/meta get, set, overwrite', async () => {
      // The store holds any key; the state directory's keys are named by libs/ca (layout.ts).
      expect(await s.getMeta('example_counter')).toBeNull();
      await s.setMeta('example_counter', '1');
      await s.setMeta('example_counter', '2');
      expect(await s.getMeta('example_counter')).toBe('2');
    });

    it('fail/any call after close is STORE_CLOSED; close is idempotent', async () => {
      const t = await open();
      await t.close();
      await t.close();
      await expectStoreError(t.getMeta('x'), 'STORE_CLOSED');
      await expectStoreError(
        t.transaction(async () => 1),
        'STORE_CLOSED',
      );
    });
  });
}
