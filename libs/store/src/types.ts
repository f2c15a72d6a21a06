/**
 * Records and the database-neutral Store contract. Dates are JS Dates (stored as integer ms
 * UTC), binary values are Buffers. Implementations: SQLite (openSqliteStore); the contract
 * tests in `testing/contract.ts` define the behaviour every implementation must have.
 */

/** Role of a CA certificate in a type's CA set. */
export type CaRole = 'root' | 'intermediate';

/** Lifecycle of a CA: `incoming`/`active`/`retiring` take part in trust; `standby` is prepared. */
export type CaState = 'active' | 'incoming' | 'retiring' | 'retired' | 'standby';

/** All CA roles, for validation and CLI help. */
export const CA_ROLES: readonly CaRole[] = Object.freeze(['root', 'intermediate']);

/** All CA states, for validation and CLI help. */
export const CA_STATES: readonly CaState[] = Object.freeze(['active', 'incoming', 'retiring', 'retired', 'standby']);

/** One CA certificate (root or intermediate) of a service type (or `platform`). */
export interface CaRecord {
  /** Hex subject key identifier (= LeafIssuer.caId). */
  id: string;
  /** Service type, including the reserved `platform`. */
  serviceType: string;
  role: CaRole;
  /** Issuer CA id for intermediates; null for roots. Must name a stored CA. */
  parentId: string | null;
  state: CaState;
  subject: string;
  certificateDer: Buffer;
  /** Keystore path relative to the state dir, e.g. `keys/<id>.key` or `offline/<id>.key`. */
  keyRef: string;
  notBefore: Date;
  notAfter: Date;
  createdAt: Date;
}

/** A leaf certificate the signer issued. Unique per (caId, serialHex). */
export interface IssuedCertRecord {
  /** Lower-case hex (libs/pki gives upper case: lower-case it before storing). */
  serialHex: string;
  serviceType: string;
  instanceId: string;
  spiffeId: string;
  sans: { dns: string[]; uris: string[]; ips: string[] };
  /** Issuing CA; must name a stored CA. */
  caId: string;
  notBefore: Date;
  notAfter: Date;
  spkiPin: string;
  issuedAt: Date;
}

/** A bootstrap token. Only the SHA-256 of the secret is ever stored. */
export interface TokenRecord {
  id: string;
  /** Lowercase hex SHA-256 of the secret (64 chars). Unique. */
  hash: string;
  serviceType: string;
  /** When set, the token may only be redeemed by this instance. */
  instanceId: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

/** The latest status a sidecar reported. One record per (serviceType, instanceId). */
export interface StatusReportRecord {
  instanceId: string;
  serviceType: string;
  receivedAt: Date;
  report: Record<string, unknown>;
}

/** What a caller appends to the audit log. `details` must be JSON (finite numbers, no cycles). */
export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  outcome: 'allowed' | 'denied' | 'ok' | 'error';
  reason?: string;
  details?: Record<string, unknown>;
}

/** A stored audit record: the entry, its sequence number and its place in the hash chain. */
export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * Result of verifying the audit chain. On failure, `firstBadSeq` names the first record that
 * was edited, deleted, reordered or inserted, and `count` is the number of records present.
 */
export type AuditVerifyResult =
  | { ok: true; count: number }
  | { ok: false; count: number; firstBadSeq: number; problem: 'edited' | 'deleted' | 'reordered' | 'inserted' };

/**
 * The store. Every method is async and fails only with StoreError. Calls on one Store are
 * serialized: a call made while a `transaction` is open waits until it ends, so it never
 * becomes part of someone else's transaction.
 */
export interface Store {
  /** Inserts a CA. CONFLICT if the id exists; NOT_FOUND if parentId names no stored CA. */
  putCa(r: CaRecord): Promise<void>;
  /** The CA, or null. */
  getCa(id: string): Promise<CaRecord | null>;
  /** CAs matching every given filter, ordered by serviceType, role (root first), createdAt, id. */
  listCas(f?: { serviceType?: string; role?: CaRole; state?: CaState }): Promise<CaRecord[]>;
  /** Changes a CA's state. NOT_FOUND if unknown. */
  setCaState(id: string, state: CaState): Promise<void>;
  /** Records an issued leaf. CONFLICT on a repeated (caId, serialHex); NOT_FOUND for an unknown CA. */
  recordIssued(r: IssuedCertRecord): Promise<void>;
  /** Issued leaves, ordered by issuedAt then serial; `validAt` keeps notBefore ≤ t < notAfter. */
  listIssued(f?: { serviceType?: string; caId?: string; validAt?: Date }): Promise<IssuedCertRecord[]>;
  /** Inserts a token. CONFLICT on a repeated id or hash; INVALID_RECORD if hash is not hex SHA-256. */
  putToken(r: TokenRecord): Promise<void>;
  /** Every token (hashes only), ordered by createdAt then id. */
  listTokens(): Promise<TokenRecord[]>;
  /** Revokes a token (idempotent: the first revocation time is kept). NOT_FOUND if unknown. */
  revokeToken(id: string, now: Date): Promise<void>;
  /**
   * Atomically marks a token used, at most once even under concurrent redeemers (also across
   * processes). Checks in order: TOKEN_UNKNOWN, TOKEN_REVOKED, TOKEN_USED, TOKEN_EXPIRED
   * (now ≥ expiresAt), TOKEN_WRONG_TYPE, TOKEN_WRONG_INSTANCE. A refused token stays unused.
   * Returns the record with usedAt = now.
   */
  redeemToken(hash: string, now: Date, want: { serviceType: string; instanceId: string }): Promise<TokenRecord>;
  /** Stores the latest report of an instance (replaces the previous one). */
  putStatusReport(r: StatusReportRecord): Promise<void>;
  /** Latest reports, ordered by serviceType then instanceId. */
  listStatusReports(f?: { serviceType?: string }): Promise<StatusReportRecord[]>;
  /** Appends to the hash-chained audit log; returns the stored record. */
  appendAudit(e: AuditEntry): Promise<AuditRecord>;
  /** Audit records in seq order, after `afterSeq` (default 0), at most `limit` (default all). */
  listAudit(f?: { afterSeq?: number; limit?: number }): Promise<AuditRecord[]>;
  /** Re-derives the chain and reports the first tampered record. Never throws for tampering. */
  verifyAudit(): Promise<AuditVerifyResult>;
  /** A metadata value (e.g. 'bundle_version'), or null. */
  getMeta(key: string): Promise<string | null>;
  /** Sets a metadata value. */
  setMeta(key: string, value: string): Promise<void>;
  /**
   * Runs `fn` in one transaction: every write through `s` commits together, or none does if
   * `fn` throws (the error is rethrown as is). Nested calls on `s` are savepoints. `s` must not
   * be used after `fn` settles (STORE_CLOSED). Calls on the outer store made from inside `fn`
   * join the transaction (instead of waiting for it to end, which would never happen).
   */
  transaction<T>(fn: (s: Store) => Promise<T>): Promise<T>;
  /** Closes the store; later calls fail with STORE_CLOSED. Idempotent. */
  close(): Promise<void>;
}
