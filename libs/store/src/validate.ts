import { canonicalJson, MAX_DETAILS_CHARS } from './audit/canonical';
import { StoreError } from './errors';
import { AuditEntry, CA_ROLES, CA_STATES, CaRecord, IssuedCertRecord, StatusReportRecord, TokenRecord } from './types';

// Record checks shared by every implementation, so all of them refuse the same bad input the
// same way (INVALID_RECORD) before touching the database.

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const MAX_TEXT = 4096;

function fail(field: string, why: string): never {
  throw new StoreError('INVALID_RECORD', `${field} ${why}`);
}

/** Integer ms of a valid Date. */
export function ms(d: unknown, field: string): number {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) fail(field, 'must be a valid Date');
  return d.getTime();
}

/** A non-empty string of bounded length. */
export function text(v: unknown, field: string, max = MAX_TEXT): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    fail(field, `must be a non-empty string of at most ${max} chars`);
  return v;
}

function oneOf<T extends string>(v: unknown, all: readonly T[], field: string): T {
  if (typeof v !== 'string' || !(all as readonly string[]).includes(v)) fail(field, `must be one of ${all.join(', ')}`);
  return v as T;
}

function stringArray(v: unknown, field: string): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) fail(field, 'must be a list of strings');
  return v as string[];
}

/** Checks a CA record's fields. */
export function checkCa(r: CaRecord): void {
  text(r.id, 'id', 256);
  text(r.serviceType, 'serviceType', 64);
  oneOf(r.role, CA_ROLES, 'role');
  oneOf(r.state, CA_STATES, 'state');
  if (r.parentId !== null) text(r.parentId, 'parentId', 256);
  if (r.role === 'root' && r.parentId !== null) fail('parentId', 'must be null for a root');
  if (r.role === 'intermediate' && r.parentId === null) fail('parentId', 'must name the issuer of an intermediate');
  text(r.subject, 'subject');
  if (!Buffer.isBuffer(r.certificateDer) || r.certificateDer.length === 0)
    fail('certificateDer', 'must be a non-empty Buffer');
  text(r.keyRef, 'keyRef', 1024);
  ms(r.notBefore, 'notBefore');
  ms(r.notAfter, 'notAfter');
  ms(r.createdAt, 'createdAt');
}

/** Checks a CA state value. */
export function checkCaState(state: unknown): void {
  oneOf(state, CA_STATES, 'state');
}

/** Checks an issued-certificate record's fields. */
export function checkIssued(r: IssuedCertRecord): void {
  text(r.serialHex, 'serialHex', 128);
  if (!/^[0-9a-f]+$/.test(r.serialHex)) fail('serialHex', 'must be lowercase hex');
  text(r.serviceType, 'serviceType', 64);
  text(r.instanceId, 'instanceId', 256);
  text(r.spiffeId, 'spiffeId', 2048);
  if (r.sans === null || typeof r.sans !== 'object') fail('sans', 'must be an object');
  stringArray(r.sans.dns, 'sans.dns');
  stringArray(r.sans.uris, 'sans.uris');
  stringArray(r.sans.ips, 'sans.ips');
  text(r.caId, 'caId', 256);
  ms(r.notBefore, 'notBefore');
  ms(r.notAfter, 'notAfter');
  text(r.spkiPin, 'spkiPin', 256);
  ms(r.issuedAt, 'issuedAt');
}

/** True for a lowercase hex SHA-256. */
export function isHexSha256(v: unknown): v is string {
  return typeof v === 'string' && HEX_SHA256.test(v);
}

/** Checks a token record's fields (hash must be lowercase hex SHA-256: never a secret). */
export function checkToken(r: TokenRecord): void {
  text(r.id, 'id', 256);
  if (!isHexSha256(r.hash)) fail('hash', 'must be a lowercase hex SHA-256');
  text(r.serviceType, 'serviceType', 64);
  if (r.instanceId !== null) text(r.instanceId, 'instanceId', 256);
  ms(r.createdAt, 'createdAt');
  if (ms(r.expiresAt, 'expiresAt') <= r.createdAt.getTime()) fail('expiresAt', 'must be after createdAt');
  if (r.usedAt !== null) ms(r.usedAt, 'usedAt');
  if (r.revokedAt !== null) ms(r.revokedAt, 'revokedAt');
}

/** Checks a status report and returns its canonical JSON. */
export function checkStatusReport(r: StatusReportRecord): string {
  text(r.instanceId, 'instanceId', 256);
  text(r.serviceType, 'serviceType', 64);
  ms(r.receivedAt, 'receivedAt');
  if (r.report === null || typeof r.report !== 'object' || Array.isArray(r.report)) fail('report', 'must be an object');
  const json = canonicalJson(r.report);
  if (json.length > MAX_DETAILS_CHARS) fail('report', `must encode to at most ${MAX_DETAILS_CHARS} chars`);
  return json;
}

/** Checks an audit entry; returns its stored form (without seq and the chain fields). */
export function checkAuditEntry(e: AuditEntry): {
  at: number;
  actor: string;
  action: string;
  outcome: string;
  reason: string | null;
  details: string | null;
} {
  const at = ms(e.at, 'at');
  const actor = text(e.actor, 'actor', 256);
  const action = text(e.action, 'action', 256);
  const outcome = oneOf(e.outcome, ['allowed', 'denied', 'ok', 'error'] as const, 'outcome');
  const reason = e.reason === undefined ? null : text(e.reason, 'reason');
  let details: string | null = null;
  if (e.details !== undefined) {
    if (e.details === null || typeof e.details !== 'object' || Array.isArray(e.details))
      fail('details', 'must be an object');
    details = canonicalJson(e.details);
    if (details.length > MAX_DETAILS_CHARS) fail('details', `must encode to at most ${MAX_DETAILS_CHARS} chars`);
  }
  return { at, actor, action, outcome, reason, details };
}
