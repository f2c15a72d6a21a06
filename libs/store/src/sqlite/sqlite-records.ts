import type Database from 'better-sqlite3';
import { StoreError } from '../errors';
import { CaRecord, CaRole, CaState, IssuedCertRecord, StatusReportRecord } from '../types';
import { checkCa, checkCaState, checkIssued, checkStatusReport, ms } from '../validate';
import { CaRow, IssuedRow, StatusRow, caFromRow, issuedFromRow, statusFromRow } from './rows';
import { prepared } from './statements';

// Synchronous CA / issued-certificate / status / meta operations on one connection.
// Callers (SqliteStore) serialize access and map driver errors.

export function putCa(db: Database.Database, r: CaRecord): void {
  checkCa(r);
  prepared(
    db,
    `INSERT INTO cas (id, service_type, role, parent_id, state, subject, certificate_der, key_ref, not_before, not_after, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.id,
    r.serviceType,
    r.role,
    r.parentId,
    r.state,
    r.subject,
    r.certificateDer,
    r.keyRef,
    r.notBefore.getTime(),
    r.notAfter.getTime(),
    r.createdAt.getTime(),
  );
}

export function getCa(db: Database.Database, id: string): CaRecord | null {
  const row = prepared(db, 'SELECT * FROM cas WHERE id = ?').get(id) as CaRow | undefined;
  return row ? caFromRow(row) : null;
}

/** Builds `WHERE a = ? AND b = ?` from the filters that are set. */
function whereOf(conds: [string, unknown][]): { where: string; args: unknown[] } {
  const set = conds.filter(([, v]) => v !== undefined);
  return { where: set.length ? `WHERE ${set.map(([c]) => c).join(' AND ')}` : '', args: set.map(([, v]) => v) };
}

export function listCas(
  db: Database.Database,
  f: { serviceType?: string; role?: CaRole; state?: CaState } = {},
): CaRecord[] {
  const { where, args } = whereOf([
    ['service_type = ?', f.serviceType],
    ['role = ?', f.role],
    ['state = ?', f.state],
  ]);
  const sql = `SELECT * FROM cas ${where}
    ORDER BY service_type, CASE role WHEN 'root' THEN 0 ELSE 1 END, created_at, id`;
  return (prepared(db, sql).all(...args) as CaRow[]).map(caFromRow);
}

export function setCaState(db: Database.Database, id: string, state: CaState): void {
  checkCaState(state);
  const res = prepared(db, 'UPDATE cas SET state = ? WHERE id = ?').run(state, id);
  if (res.changes === 0) throw new StoreError('NOT_FOUND', 'CA');
}

export function recordIssued(db: Database.Database, r: IssuedCertRecord): void {
  checkIssued(r);
  const sans = JSON.stringify({ dns: r.sans.dns, uris: r.sans.uris, ips: r.sans.ips });
  prepared(
    db,
    `INSERT INTO issued_certs (ca_id, serial_hex, service_type, instance_id, spiffe_id, sans_json, not_before, not_after, spki_pin, issued_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.caId,
    r.serialHex,
    r.serviceType,
    r.instanceId,
    r.spiffeId,
    sans,
    r.notBefore.getTime(),
    r.notAfter.getTime(),
    r.spkiPin,
    r.issuedAt.getTime(),
  );
}

export function listIssued(
  db: Database.Database,
  f: { serviceType?: string; caId?: string; validAt?: Date } = {},
): IssuedCertRecord[] {
  const t = f.validAt === undefined ? undefined : ms(f.validAt, 'validAt');
  const { where, args } = whereOf([
    ['service_type = ?', f.serviceType],
    ['ca_id = ?', f.caId],
    ['not_before <= ?', t],
    ['not_after > ?', t],
  ]);
  const sql = `SELECT * FROM issued_certs ${where} ORDER BY issued_at, serial_hex`;
  return (prepared(db, sql).all(...args) as IssuedRow[]).map(issuedFromRow);
}

export function putStatusReport(db: Database.Database, r: StatusReportRecord): void {
  const json = checkStatusReport(r);
  prepared(
    db,
    `INSERT INTO status_reports (service_type, instance_id, received_at, report_json) VALUES (?, ?, ?, ?)
     ON CONFLICT (service_type, instance_id) DO UPDATE SET received_at = excluded.received_at, report_json = excluded.report_json`,
  ).run(r.serviceType, r.instanceId, r.receivedAt.getTime(), json);
}

export function listStatusReports(db: Database.Database, f: { serviceType?: string } = {}): StatusReportRecord[] {
  const rows =
    f.serviceType === undefined
      ? prepared(db, 'SELECT * FROM status_reports ORDER BY service_type, instance_id').all()
      : prepared(db, 'SELECT * FROM status_reports WHERE service_type = ? ORDER BY instance_id').all(f.serviceType);
  return (rows as StatusRow[]).map(statusFromRow);
}

export function getMeta(db: Database.Database, key: string): string | null {
  const row = prepared(db, 'SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row ? row.value : null;
}

export function setMeta(db: Database.Database, key: string, value: string): void {
  if (typeof key !== 'string' || key.length === 0 || typeof value !== 'string') {
    throw new StoreError('INVALID_RECORD', 'meta key must be a non-empty string and value a string');
  }
  prepared(
    db,
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
