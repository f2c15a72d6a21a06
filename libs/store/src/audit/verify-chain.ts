import { AuditVerifyResult } from '../types';
import { AuditRow, ZERO_HASH, auditRecordHash } from './canonical';

/** The newest record the store vouches for (kept apart from the log, updated with each append). */
export interface AuditHead {
  seq: number;
  hash: string;
}

type Problem = Extract<AuditVerifyResult, { ok: false }>['problem'];

/**
 * Verifies an audit chain (rows in seq order) against its head, database-neutral.
 *
 * How tampering is told apart, at the first row that does not fit (everything before it fits):
 *  - a seq gap: the missing seq was **deleted**;
 *  - the row's hash does not match its content at its own seq:
 *    - it matches at no seq: the row was **edited**;
 *    - it matches at a later seq c: the content moved up. If the content that belongs here
 *      sits further down, rows were **reordered** (e.g. two rows swapped); otherwise rows were
 *      deleted and the rest renumbered: **deleted**;
 *    - it matches at an earlier seq c: rows were inserted before it and the rest renumbered:
 *      the first **inserted** record is c;
 *  - the row fits its seq but its prevHash is not the previous row's hash: if it names an
 *    earlier row, the rows in between were **inserted**; otherwise the previous row was edited
 *    and re-hashed: **edited** (the previous seq);
 *  - after the last row, the head disagrees: fewer rows (tail **deleted**), more rows
 *    (**inserted** after the head), or the last hash differs (last row **edited**).
 * A missing head counts as seq 0. An attacker who rewrites the whole chain and the head is not
 * detectable without an external anchor; this detects edits made without doing all of that.
 */
export function verifyAuditChain(rows: readonly AuditRow[], head: AuditHead | null): AuditVerifyResult {
  const count = rows.length;
  const bad = (firstBadSeq: number, problem: Problem): AuditVerifyResult => ({
    ok: false,
    count,
    firstBadSeq,
    problem,
  });
  const h = head ?? { seq: 0, hash: ZERO_HASH };
  let expectedSeq = 1;
  let expectedPrev = ZERO_HASH;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.seq !== expectedSeq) return bad(expectedSeq, 'deleted');
    if (auditRecordHash(r) !== r.hash) {
      const maxSeq = Math.max(rows[rows.length - 1].seq, h.seq) + 1;
      const c = originalSeq(r, maxSeq);
      if (c === null) return bad(r.seq, 'edited');
      if (c < r.seq) return bad(c, 'inserted');
      const belongsHere = rows.slice(i + 1).some((q) => auditRecordHash({ ...q, seq: r.seq }) === q.hash);
      return bad(r.seq, belongsHere ? 'reordered' : 'deleted');
    }
    if (r.prevHash !== expectedPrev) {
      // Linked to an earlier row than its predecessor: the rows in between were slipped in.
      const q = rows.slice(0, i - 1).find((p) => p.hash === r.prevHash);
      if (q) return bad(q.seq + 1, 'inserted');
      return bad(r.seq === 1 ? 1 : r.seq - 1, 'edited');
    }
    expectedPrev = r.hash;
    expectedSeq++;
  }
  const lastSeq = expectedSeq - 1;
  if (lastSeq < h.seq) return bad(lastSeq + 1, 'deleted');
  if (lastSeq > h.seq) return bad(h.seq + 1, 'inserted');
  if (lastSeq > 0 && expectedPrev !== h.hash) return bad(lastSeq, 'edited');
  return { ok: true, count };
}

/** The seq at which this row's content hashes to its stored hash, or null (bounded search). */
function originalSeq(r: AuditRow, maxSeq: number): number | null {
  for (let s = 1; s <= maxSeq; s++) {
    if (s !== r.seq && auditRecordHash({ ...r, seq: s }) === r.hash) return s;
  }
  return null;
}

/**
 * One streaming pass with O(1) memory: whether `rows` (in seq order) form an intact chain that
 * ends at `head`. Stops at the first anomaly (leaving the iterator closed), so a store can scan a
 * large log cheaply and load it whole only when it must classify a problem (verifyAuditChain).
 */
export function scanAuditChain(rows: Iterable<AuditRow>, head: AuditHead | null): { intact: boolean; count: number } {
  const h = head ?? { seq: 0, hash: ZERO_HASH };
  let expectedSeq = 1;
  let expectedPrev = ZERO_HASH;
  for (const r of rows) {
    if (r.seq !== expectedSeq || r.prevHash !== expectedPrev || auditRecordHash(r) !== r.hash) {
      return { intact: false, count: expectedSeq - 1 };
    }
    expectedPrev = r.hash;
    expectedSeq++;
  }
  const count = expectedSeq - 1;
  return { intact: count === h.seq && (count === 0 || expectedPrev === h.hash), count };
}
