import fc from 'fast-check';
import { AuditRow, ZERO_HASH, auditRecordHash } from './canonical';
import { AuditHead, scanAuditChain, verifyAuditChain } from './verify-chain';

/** A valid chain of `n` rows and its head. */
function chain(n: number): { rows: AuditRow[]; head: AuditHead } {
  const rows: AuditRow[] = [];
  let prev = ZERO_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const r = {
      seq,
      at: 1_000 * seq,
      actor: `actor-${seq}`,
      action: 'sign',
      outcome: 'allowed',
      reason: null,
      details: `{"n":${seq}}`,
      prevHash: prev,
    };
    const hash = auditRecordHash(r);
    rows.push({ ...r, hash });
    prev = hash;
  }
  return { rows, head: { seq: n, hash: prev } };
}

const renumber = (rows: AuditRow[], from: number, by: number) =>
  rows.map((r) => (r.seq >= from ? { ...r, seq: r.seq + by } : r));
const rehash = (r: AuditRow): AuditRow => ({ ...r, hash: auditRecordHash(r) });

// Each tamper: given a chain of n rows and a position, the rows an attacker leaves behind and
// what verifyAuditChain must report. Positions are 1-based seqs.
type Tamper = (rows: AuditRow[], k: number, j: number) => { rows: AuditRow[]; firstBadSeq: number; problem: string };
const TAMPERS: Record<string, Tamper> = {
  edit: (rows, k) => ({
    rows: rows.map((r) => (r.seq === k ? { ...r, actor: `${r.actor}!` } : r)),
    firstBadSeq: k,
    problem: 'edited',
  }),
  editRehashed: (rows, k) => ({
    rows: rows.map((r) => (r.seq === k ? rehash({ ...r, outcome: 'denied' }) : r)),
    firstBadSeq: k,
    problem: 'edited',
  }),
  delete: (rows, k) => ({ rows: rows.filter((r) => r.seq !== k), firstBadSeq: k, problem: 'deleted' }),
  deleteRenumbered: (rows, k) => ({
    rows: renumber(
      rows.filter((r) => r.seq !== k),
      k + 1,
      -1,
    ),
    firstBadSeq: k,
    problem: 'deleted',
  }),
  swap: (rows, k, j) => {
    const [a, b] = [Math.min(k, j), Math.max(k, j)];
    const content = (s: number) => rows[s - 1];
    return {
      rows: rows.map((r) => (r.seq === a ? { ...content(b), seq: a } : r.seq === b ? { ...content(a), seq: b } : r)),
      firstBadSeq: a,
      problem: 'reordered',
    };
  },
  insertForged: (rows, k) => {
    const shifted = renumber(rows, k, 1);
    const prevHash = k === 1 ? ZERO_HASH : rows[k - 2].hash;
    const forged = rehash({
      seq: k,
      at: 1,
      actor: 'evil',
      action: 'token.create',
      outcome: 'ok',
      reason: null,
      details: null,
      prevHash,
      hash: '',
    });
    return {
      rows: [...shifted.filter((r) => r.seq < k), forged, ...shifted.filter((r) => r.seq > k)],
      firstBadSeq: k,
      problem: 'inserted',
    };
  },
};

describe('verifyAuditChain (property: any single tamper is named)', () => {
  it.each(Object.keys(TAMPERS))('fail/%s at any position of any chain', (name) => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 25 }), fc.nat(), fc.nat(), (n, x, y) => {
        const { rows, head } = chain(n);
        const k = 1 + (x % n);
        let j = 1 + (y % n);
        if (name === 'swap' && j === k) j = k === n ? 1 : k + 1;
        const t = TAMPERS[name](rows, k, j);
        const got = verifyAuditChain(t.rows, head);
        expect(scanAuditChain(t.rows, head).intact).toBe(false);
        expect(got).toEqual({ ok: false, count: t.rows.length, firstBadSeq: t.firstBadSeq, problem: t.problem });
      }),
      { numRuns: 60 },
    );
  });

  it('ok/an untouched chain of any length verifies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), (n) => {
        const { rows, head } = chain(n);
        expect(verifyAuditChain(rows, n === 0 ? null : head)).toEqual({ ok: true, count: n });
        expect(scanAuditChain(rows, n === 0 ? null : head)).toEqual({ intact: true, count: n });
      }),
      { numRuns: 20 },
    );
  });

  it('fail/forged rows appended past the head are inserted at head + 1', () => {
    const { rows, head } = chain(5);
    const extra = rehash({
      seq: 6,
      at: 1,
      actor: 'evil',
      action: 'x',
      outcome: 'ok',
      reason: null,
      details: null,
      prevHash: head.hash,
      hash: '',
    });
    expect(verifyAuditChain([...rows, extra], head)).toEqual({
      ok: false,
      count: 6,
      firstBadSeq: 6,
      problem: 'inserted',
    });
  });
});
