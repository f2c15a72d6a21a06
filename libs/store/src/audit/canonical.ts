import { createHash } from 'node:crypto';
import { StoreError } from '../errors';

/** prevHash of the first audit record. */
export const ZERO_HASH = '0'.repeat(64);

/** Largest canonical `details` JSON accepted (bytes of UTF-16 code units; bounded either way). */
export const MAX_DETAILS_CHARS = 65_536;

/** The stored form of one audit record: exactly what the hash covers. */
export interface AuditRow {
  seq: number;
  /** Integer ms since the epoch, UTC. */
  at: number;
  actor: string;
  action: string;
  outcome: string;
  reason: string | null;
  /** Canonical JSON of the details object, or null. */
  details: string | null;
  prevHash: string;
  hash: string;
}

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped.
 * Refuses what has no stable JSON form (non-finite numbers, bigint, functions, symbols, Dates,
 * cycles), so the same details always hash the same.
 *
 * @throws StoreError INVALID_RECORD
 */
export function canonicalJson(value: unknown, seen: Set<object> = new Set()): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StoreError('INVALID_RECORD', 'details hold a non-finite number');
    return JSON.stringify(value);
  }
  if (typeof value !== 'object' || value instanceof Date || Buffer.isBuffer(value)) {
    throw new StoreError('INVALID_RECORD', `details hold a value without a canonical JSON form (${typeof value})`);
  }
  if (seen.has(value)) throw new StoreError('INVALID_RECORD', 'details hold a cycle');
  seen.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = `[${value.map((v) => canonicalJson(v === undefined ? null : v, seen)).join(',')}]`;
  } else {
    const keys = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    out = `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], seen)}`).join(',')}}`;
  }
  seen.delete(value);
  return out;
}

/**
 * SHA-256 (hex) over the canonical encoding of a record: a version tag, then the JSON array
 * [seq, at, actor, action, outcome, reason, details, prevHash]. The hash binds the position
 * (seq) and the predecessor (prevHash), so edits, deletions and moves all change it.
 */
export function auditRecordHash(r: Omit<AuditRow, 'hash'>): string {
  const encoded = JSON.stringify([r.seq, r.at, r.actor, r.action, r.outcome, r.reason, r.details, r.prevHash]);
  return createHash('sha256').update('trustmesh.audit.v1\n').update(encoded, 'utf8').digest('hex');
}
