/**
 * @trustmesh/store — CA records, issued certificates, bootstrap tokens (hashed), sidecar status
 * reports, metadata and the hash-chained audit log, behind one async, database-neutral Store.
 * SQLite (better-sqlite3, WAL) is the embedded default.
 */
export { StoreError, isStoreError } from './errors';
export type { StoreErrorCode } from './errors';
export { CA_ROLES, CA_STATES } from './types';
export type {
  AuditEntry,
  AuditRecord,
  AuditVerifyResult,
  CaRecord,
  CaRole,
  CaState,
  IssuedCertRecord,
  StatusReportRecord,
  Store,
  TokenRecord,
} from './types';
export { openSqliteStore } from './sqlite/sqlite-store';
export type { SqliteOpenOptions } from './sqlite/open-database';
export { LATEST_SCHEMA_VERSION } from './sqlite/migrations';
export { ZERO_HASH, auditRecordHash, canonicalJson } from './audit/canonical';
export type { AuditRow } from './audit/canonical';
export { scanAuditChain, verifyAuditChain } from './audit/verify-chain';
export type { AuditHead } from './audit/verify-chain';
