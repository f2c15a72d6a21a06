import type Database from 'better-sqlite3';
import { AuditRow, ZERO_HASH, auditRecordHash } from '../audit/canonical';
import { scanAuditChain, verifyAuditChain } from '../audit/verify-chain';
import { StoreError } from '../errors';
import { AuditEntry, AuditRecord, AuditVerifyResult } from '../types';
import { checkAuditEntry } from '../validate';
import { AuditDbRow, auditFromRow, auditRowFromDb } from './rows';
import { prepared } from './statements';

// Synchronous audit-log operations: append (chained), list, verify.

/** Appends one record; seq, prevHash and the head are read and written under one write lock. */
export function appendAudit(db: Database.Database, e: AuditEntry): AuditRecord {
  const entry = checkAuditEntry(e);
  return db
    .transaction(() => {
      const head = prepared(db, 'SELECT seq, hash FROM audit_head WHERE id = 1').get() as
        { seq: number; hash: string } | undefined;
      const last = prepared(db, 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
        { seq: number; hash: string } | undefined;
      // Chain onto the head (what this store last wrote), not onto whatever the last row is now:
      // a deleted tail then stays a visible gap and a row slipped in at the end stays unlinked,
      // instead of being laundered by the next append.
      const seq = Math.max(last?.seq ?? 0, head?.seq ?? 0) + 1;
      const prevHash = head?.hash ?? last?.hash ?? ZERO_HASH;
      const row = { seq, ...entry, prevHash };
      const hash = auditRecordHash(row);
      prepared(
        db,
        `INSERT INTO audit_log (seq, at, actor, action, outcome, reason, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(seq, row.at, row.actor, row.action, row.outcome, row.reason, row.details, row.prevHash, hash);
      prepared(
        db,
        'INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
      ).run(seq, hash);
      return auditFromRow({ ...row, prev_hash: row.prevHash, hash });
    })
    .immediate();
}

export function listAudit(db: Database.Database, f: { afterSeq?: number; limit?: number } = {}): AuditRecord[] {
  const after = f.afterSeq ?? 0;
  const limit = f.limit ?? -1; // SQLite: a negative LIMIT means no limit
  if (!Number.isSafeInteger(after) || !Number.isSafeInteger(limit) || (f.limit !== undefined && limit < 0)) {
    throw new StoreError('INVALID_RECORD', 'afterSeq and limit must be non-negative integers');
  }
  const rows = prepared(db, 'SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(
    after,
    limit,
  ) as AuditDbRow[];
  return rows.map(auditFromRow);
}

/** Streams the log once (O(1) memory); only a log that fails is loaded whole to classify the problem. */
export function verifyAudit(db: Database.Database): AuditVerifyResult {
  // One read transaction, so the scan, the head and the fallback load see the same snapshot.
  return db
    .transaction(() => {
      const head =
        (prepared(db, 'SELECT seq, hash FROM audit_head WHERE id = 1').get() as
          { seq: number; hash: string } | undefined) ?? null;
      const select = db.prepare('SELECT * FROM audit_log ORDER BY seq');
      const scan = scanAuditChain(mapRows(select.iterate() as IterableIterator<AuditDbRow>), head);
      if (scan.intact) return { ok: true, count: scan.count } as const;
      return verifyAuditChain((select.all() as AuditDbRow[]).map(auditRowFromDb), head);
    })
    .deferred();
}

function* mapRows(rows: IterableIterator<AuditDbRow>): Generator<AuditRow> {
  // Breaking out of the consumer's for..of closes this generator, which closes the statement.
  for (const r of rows) yield auditRowFromDb(r);
}
