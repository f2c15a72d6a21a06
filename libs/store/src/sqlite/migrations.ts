/**
 * Versioned SQLite schema. A migration is applied once, in its own transaction, and recorded in
 * `schema_migrations`. Append new versions at the end; never edit an applied one.
 * `trustmesh_marker` is what makes a file "ours": a SQLite file without it is refused.
 */

/** One schema step. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Name of the marker table and the value of its `app` column. */
export const MARKER_TABLE = 'trustmesh_marker';
export const MARKER_APP = 'trustmesh';

/** Created with the first migration, in the same transaction. */
export const BOOTSTRAP_SQL = `
CREATE TABLE ${MARKER_TABLE} (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  app TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
);
`;

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE cas (
  id TEXT PRIMARY KEY,
  service_type TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('root', 'intermediate')),
  parent_id TEXT REFERENCES cas(id),
  state TEXT NOT NULL CHECK (state IN ('active', 'incoming', 'retiring', 'retired', 'standby')),
  subject TEXT NOT NULL,
  certificate_der BLOB NOT NULL,
  key_ref TEXT NOT NULL,
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX cas_by_type ON cas(service_type, role);

CREATE TABLE issued_certs (
  ca_id TEXT NOT NULL REFERENCES cas(id),
  serial_hex TEXT NOT NULL,
  service_type TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  spiffe_id TEXT NOT NULL,
  sans_json TEXT NOT NULL,
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  spki_pin TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  PRIMARY KEY (ca_id, serial_hex)
);
CREATE INDEX issued_by_type ON issued_certs(service_type, not_after);
CREATE INDEX issued_by_time ON issued_certs(issued_at);

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
  service_type TEXT NOT NULL,
  instance_id TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER
);

CREATE TABLE status_reports (
  service_type TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  report_json TEXT NOT NULL,
  PRIMARY KEY (service_type, instance_id)
);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT,
  details TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
-- Append-only, enforced in the database too: only someone who drops these triggers (that is,
-- tampers with the file) can change history, and verifyAudit then names the record.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

-- The newest record, written in the same transaction as each append: catches tail deletion.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
]);

/** The newest schema version this build knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
