import Database from 'better-sqlite3';
import { auditRecordHash } from '../audit/canonical';
import { auditRowFromDb, AuditDbRow } from '../sqlite/rows';
import { AuditColumn, AuditTamper } from './contract-audit';

const CONTENT = ['at', 'actor', 'action', 'outcome', 'reason', 'details', 'prev_hash', 'hash'] as const;

/**
 * AuditTamper over a second, raw connection to a SQLite store file. It drops the append-only
 * triggers first, as an attacker with write access to the file would.
 */
export function sqliteAuditTamper(file: string): AuditTamper {
  const db = new Database(file);
  db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  const row = (seq: number) => db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as AuditDbRow;
  return {
    async setField(seq: number, column: AuditColumn, value: string | number | null) {
      if (!(CONTENT as readonly string[]).includes(column)) throw new Error(`bad column ${column}`);
      db.prepare(`UPDATE audit_log SET ${column} = ? WHERE seq = ?`).run(value, seq);
    },
    async rehash(seq: number) {
      const { hash: _old, ...rest } = auditRowFromDb(row(seq));
      db.prepare('UPDATE audit_log SET hash = ? WHERE seq = ?').run(auditRecordHash(rest), seq);
    },
    async deleteRow(seq: number) {
      db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq);
    },
    async swapContent(a: number, b: number) {
      const ra = row(a);
      const rb = row(b);
      const set = db.prepare(`UPDATE audit_log SET ${CONTENT.map((c) => `${c} = @${c}`).join(', ')} WHERE seq = @seq`);
      db.transaction(() => {
        set.run({ ...rb, seq: a });
        set.run({ ...ra, seq: b });
      })();
    },
    async insertForged(seq: number, e: { at: number; actor: string; action: string; outcome: string }) {
      db.transaction(() => {
        // Two steps through negative seqs: a direct `seq = seq + 1` can collide mid-update.
        db.prepare('UPDATE audit_log SET seq = -(seq + 1) WHERE seq >= ?').run(seq);
        db.prepare('UPDATE audit_log SET seq = -seq WHERE seq < 0').run();
        const prevHash = row(seq - 1).hash;
        const content = { seq, ...e, reason: null, details: null, prevHash };
        db.prepare(
          'INSERT INTO audit_log (seq, at, actor, action, outcome, reason, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(seq, e.at, e.actor, e.action, e.outcome, null, null, prevHash, auditRecordHash(content));
      })();
    },
    async close() {
      db.close();
    },
  };
}
