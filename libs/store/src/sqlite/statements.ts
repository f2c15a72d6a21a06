import type Database from 'better-sqlite3';

/** Prepared statements per connection, by SQL text; dropped with the connection. */
const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * `db.prepare(sql)`, compiled once per connection and reused: preparing costs more than running
 * a small statement, and the signer runs the same few statements for every certificate. Only for
 * statements that are run to completion (`run`/`get`/`all`); an `iterate()` in progress would
 * make the shared statement busy for any other caller.
 */
export function prepared(db: Database.Database, sql: string): Database.Statement {
  let byText = cache.get(db);
  if (!byText) {
    byText = new Map();
    cache.set(db, byText);
  }
  let stmt = byText.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    byText.set(sql, stmt);
  }
  return stmt;
}
