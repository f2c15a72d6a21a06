import { ZERO_HASH, auditRecordHash, canonicalJson } from '../audit/canonical';
import { AuditEntry, AuditRecord, Store } from '../types';
import { at, expectStoreError } from './fixtures';

/** Columns of the stored audit row a tamper test may overwrite. */
export type AuditColumn = 'at' | 'actor' | 'action' | 'outcome' | 'reason' | 'details' | 'prev_hash' | 'hash';

/**
 * Raw access to a store's audit rows, bypassing its append-only guard: what an attacker with
 * write access to the database could do. Each implementation's spec provides one.
 */
export interface AuditTamper {
  /** Overwrites one column of one row. */
  setField(seq: number, column: AuditColumn, value: string | number | null): Promise<void>;
  /** Recomputes a row's hash from its current content (a careful attacker). */
  rehash(seq: number): Promise<void>;
  /** Deletes one row. */
  deleteRow(seq: number): Promise<void>;
  /** Swaps every column but seq between two rows. */
  swapContent(a: number, b: number): Promise<void>;
  /**
   * Inserts a forged, correctly hashed record at `seq`, linked to row seq-1, renumbering the
   * rows from `seq` on up by one (without rehashing them). At max seq + 1, it is an append that
   * bypasses the store (the head is not updated).
   */
  insertForged(seq: number, e: { at: number; actor: string; action: string; outcome: string }): Promise<void>;
  /** Releases the raw connection. */
  close(): Promise<void>;
}

/** The hash a record must carry, recomputed from the API view (proves the documented encoding). */
function expectedHash(r: AuditRecord): string {
  return auditRecordHash({
    seq: r.seq,
    at: r.at.getTime(),
    actor: r.actor,
    action: r.action,
    outcome: r.outcome,
    reason: r.reason ?? null,
    details: r.details === undefined ? null : canonicalJson(r.details),
    prevHash: r.prevHash,
  });
}

const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  at: at(i),
  actor: 'spiffe://example.test/admin/cli',
  action: 'token.create',
  outcome: 'ok',
  details: { n: i, type: 'api' },
  ...over,
});

/** Appending, listing, verifying; and, with a tamper, naming edited/deleted/reordered/inserted records. */
export function describeAuditContract(
  open: () => Promise<Store>,
  openWithTamper?: () => Promise<{ store: Store; tamper: AuditTamper }>,
): void {
  describe('audit log', () => {
    let s: Store;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    it('ok/records chain from 64 zeros, each hash covers the canonical encoding', async () => {
      const a = await s.appendAudit(entry(1));
      const b = await s.appendAudit(
        entry(2, { outcome: 'denied', reason: 'TOKEN_USED', details: { z: [1, { y: true, x: null }], a: 'é' } }),
      );
      const c = await s.appendAudit(entry(3, { details: undefined }));
      expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
      expect(a.prevHash).toBe(ZERO_HASH);
      expect(b.prevHash).toBe(a.hash);
      expect(c.prevHash).toBe(b.hash);
      const listed = await s.listAudit();
      expect(listed).toEqual([a, b, c]);
      for (const r of listed) expect(r.hash).toBe(expectedHash(r));
      expect(listed[1]).toMatchObject({ reason: 'TOKEN_USED', details: { z: [1, { y: true, x: null }], a: 'é' } });
      expect('details' in listed[2]).toBe(false);
      expect('reason' in listed[0]).toBe(false);
    });

    it('ok/listAudit pages with afterSeq and limit', async () => {
      for (let i = 1; i <= 5; i++) await s.appendAudit(entry(i));
      expect((await s.listAudit({ afterSeq: 2, limit: 2 })).map((r) => r.seq)).toEqual([3, 4]);
      expect((await s.listAudit({ afterSeq: 5 })).map((r) => r.seq)).toEqual([]);
      expect((await s.listAudit({ limit: 0 })).map((r) => r.seq)).toEqual([]);
    });

    it('ok/verifyAudit on an empty and on an intact log', async () => {
      expect(await s.verifyAudit()).toEqual({ ok: true, count: 0 });
      for (let i = 1; i <= 5; i++) await s.appendAudit(entry(i));
      expect(await s.verifyAudit()).toEqual({ ok: true, count: 5 });
    });

    it.each([
      ['fail/unknown outcome', { outcome: 'maybe' }],
      ['fail/empty actor', { actor: '' }],
      ['fail/invalid date', { at: new Date(Number.NaN) }],
      ['fail/details with a non-finite number', { details: { n: Number.POSITIVE_INFINITY } }],
      ['fail/details with a function', { details: { f: () => 1 } }],
      ['fail/details with a Date', { details: { d: new Date(0) } }],
      ['fail/details as an array', { details: [1] }],
    ])('%s is INVALID_RECORD and appends nothing', async (_n, over) => {
      await expectStoreError(s.appendAudit({ ...entry(1), ...(over as object) }), 'INVALID_RECORD');
      expect(await s.verifyAudit()).toEqual({ ok: true, count: 0 });
    });

    it('fail/listAudit with a negative limit is INVALID_RECORD', async () => {
      await expectStoreError(s.listAudit({ limit: -1 }), 'INVALID_RECORD');
    });
  });

  if (!openWithTamper) return;

  describe('audit tampering', () => {
    let s: Store;
    let tamper: AuditTamper;
    beforeEach(async () => {
      ({ store: s, tamper } = await openWithTamper());
      for (let i = 1; i <= 5; i++) await s.appendAudit(entry(i));
    });
    afterEach(async () => {
      await tamper.close();
      await s.close();
    });

    // Every row has all five fields: Jest passes `done` in place of a missing trailing argument.
    type Case = [string, (t: AuditTamper, st: Store) => Promise<unknown>, number, string, number | null];
    const cases: Case[] = [
      ['fail/edited actor', (t) => t.setField(3, 'actor', 'someone-else'), 3, 'edited', null],
      ['fail/edited time of the first record', (t) => t.setField(1, 'at', 0), 1, 'edited', null],
      ['fail/edited details', (t) => t.setField(4, 'details', '{"n":4,"type":"db"}'), 4, 'edited', null],
      ['fail/edited reason', (t) => t.setField(2, 'reason', 'because'), 2, 'edited', null],
      [
        'fail/edited and re-hashed',
        async (t) => {
          await t.setField(3, 'outcome', 'denied');
          await t.rehash(3);
        },
        3,
        'edited',
        null,
      ],
      [
        'fail/last record edited and re-hashed',
        async (t) => {
          await t.setField(5, 'action', 'x');
          await t.rehash(5);
        },
        5,
        'edited',
        null,
      ],
      ['fail/deleted in the middle', (t) => t.deleteRow(3), 3, 'deleted', 4],
      ['fail/deleted first', (t) => t.deleteRow(1), 1, 'deleted', 4],
      ['fail/deleted tail', (t) => t.deleteRow(5), 5, 'deleted', 4],
      [
        'fail/deleted, then the store appends again',
        async (t, st) => {
          await t.deleteRow(4);
          await st.appendAudit(entry(6));
        },
        4,
        'deleted',
        null,
      ],
      ['fail/two rows swapped', (t) => t.swapContent(2, 3), 2, 'reordered', null],
      ['fail/first and last swapped', (t) => t.swapContent(1, 5), 1, 'reordered', null],
      [
        'fail/forged record inserted in the middle',
        (t) => t.insertForged(3, { at: 3, actor: 'evil', action: 'token.create', outcome: 'ok' }),
        3,
        'inserted',
        6,
      ],
      [
        'fail/forged record appended behind the store',
        (t) => t.insertForged(6, { at: 6, actor: 'evil', action: 'x', outcome: 'ok' }),
        6,
        'inserted',
        6,
      ],
      [
        'fail/forged append, then the store appends again',
        async (t, st) => {
          await t.insertForged(6, { at: 6, actor: 'evil', action: 'x', outcome: 'ok' });
          await st.appendAudit(entry(7));
        },
        6,
        'inserted',
        null,
      ],
    ];
    it.each(cases)('%s', async (_n, doTamper, firstBadSeq, problem, count) => {
      expect(await s.verifyAudit()).toEqual({ ok: true, count: 5 });
      await doTamper(tamper, s);
      const got = await s.verifyAudit();
      expect(got).toMatchObject({ ok: false, firstBadSeq, problem });
      if (count !== null) expect(got.count).toBe(count);
    });
  });
}
