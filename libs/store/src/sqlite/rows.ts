import { AuditRow } from '../audit/canonical';
import { AuditRecord, CaRecord, CaRole, CaState, IssuedCertRecord, StatusReportRecord, TokenRecord } from '../types';

// Row shapes as SQLite returns them, and their mapping to records. Dates are integer ms UTC.

export interface CaRow {
  id: string;
  service_type: string;
  role: string;
  parent_id: string | null;
  state: string;
  subject: string;
  certificate_der: Buffer;
  key_ref: string;
  not_before: number;
  not_after: number;
  created_at: number;
}
export interface IssuedRow {
  ca_id: string;
  serial_hex: string;
  service_type: string;
  instance_id: string;
  spiffe_id: string;
  sans_json: string;
  not_before: number;
  not_after: number;
  spki_pin: string;
  issued_at: number;
}
export interface TokenRow {
  id: string;
  hash: string;
  service_type: string;
  instance_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}
export interface StatusRow {
  service_type: string;
  instance_id: string;
  received_at: number;
  report_json: string;
}
export interface AuditDbRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  outcome: string;
  reason: string | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}

const date = (n: number): Date => new Date(n);
const dateOrNull = (n: number | null): Date | null => (n === null ? null : new Date(n));

export function caFromRow(r: CaRow): CaRecord {
  return {
    id: r.id,
    serviceType: r.service_type,
    role: r.role as CaRole,
    parentId: r.parent_id,
    state: r.state as CaState,
    subject: r.subject,
    certificateDer: Buffer.from(r.certificate_der),
    keyRef: r.key_ref,
    notBefore: date(r.not_before),
    notAfter: date(r.not_after),
    createdAt: date(r.created_at),
  };
}

export function issuedFromRow(r: IssuedRow): IssuedCertRecord {
  const sans = JSON.parse(r.sans_json) as IssuedCertRecord['sans'];
  return {
    serialHex: r.serial_hex,
    serviceType: r.service_type,
    instanceId: r.instance_id,
    spiffeId: r.spiffe_id,
    sans: { dns: sans.dns, uris: sans.uris, ips: sans.ips },
    caId: r.ca_id,
    notBefore: date(r.not_before),
    notAfter: date(r.not_after),
    spkiPin: r.spki_pin,
    issuedAt: date(r.issued_at),
  };
}

export function tokenFromRow(r: TokenRow): TokenRecord {
  return {
    id: r.id,
    hash: r.hash,
    serviceType: r.service_type,
    instanceId: r.instance_id,
    createdAt: date(r.created_at),
    expiresAt: date(r.expires_at),
    usedAt: dateOrNull(r.used_at),
    revokedAt: dateOrNull(r.revoked_at),
  };
}

export function statusFromRow(r: StatusRow): StatusReportRecord {
  return {
    serviceType: r.service_type,
    instanceId: r.instance_id,
    receivedAt: date(r.received_at),
    report: JSON.parse(r.report_json) as Record<string, unknown>,
  };
}

/** The hashed form of an audit row (what verifyAuditChain reads). */
export function auditRowFromDb(r: AuditDbRow): AuditRow {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    outcome: r.outcome,
    reason: r.reason,
    details: r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** The API form of an audit row: optional fields are absent (not null) when unset. */
export function auditFromRow(r: AuditDbRow): AuditRecord {
  const rec: AuditRecord = {
    seq: r.seq,
    at: date(r.at),
    actor: r.actor,
    action: r.action,
    outcome: r.outcome as AuditRecord['outcome'],
    prevHash: r.prev_hash,
    hash: r.hash,
  };
  if (r.reason !== null) rec.reason = r.reason;
  if (r.details !== null) rec.details = JSON.parse(r.details) as Record<string, unknown>;
  return rec;
}
