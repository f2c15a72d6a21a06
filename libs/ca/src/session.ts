/**
 * Opening an initialized state directory: optional exclusive lock, the store, the mesh config
 * in force. `withState` guarantees the store is closed and the lock released on every path.
 */
import { existsSync } from 'node:fs';
import { acquireLock, type LockHandle } from '@trustmesh/keystore';
import type { MeshConfig } from '@trustmesh/policy';
import { openSqliteStore, type AuditEntry, type Store } from '@trustmesh/store';
import { CaError } from './errors';
import { LAYOUT, META, statePath } from './layout';
import { loadStateMesh } from './mesh-file';

/** An open state directory. */
export interface StateSession {
  readonly dir: string;
  readonly store: Store;
  readonly mesh: MeshConfig;
}

/**
 * Runs `fn` on the state directory `dir`. With `lock`, holds D/.lock for the whole call
 * (keystore LOCKED if another init/ca command holds it). Throws NOT_INITIALIZED when there is
 * no store, store errors (DB_CORRUPT, DB_FOREIGN, ...) as they are, TRUST_DOMAIN_MISMATCH when
 * mesh.yaml and the store disagree.
 */
export async function withState<T>(dir: string, o: { lock: boolean }, fn: (s: StateSession) => Promise<T>): Promise<T> {
  const dbPath = statePath(dir, LAYOUT.db);
  if (!existsSync(dbPath)) throw new CaError('NOT_INITIALIZED', dir);
  let lock: LockHandle | undefined;
  let store: Store | undefined;
  try {
    if (o.lock) lock = acquireLock(statePath(dir, LAYOUT.lock));
    store = await openSqliteStore(dbPath, { create: false });
    const mesh = loadStateMesh(dir);
    const td = await store.getMeta(META.trustDomain);
    if (td !== null && td !== mesh.trustDomain) {
      throw new CaError('TRUST_DOMAIN_MISMATCH', `store has '${td}', ${LAYOUT.mesh} has '${mesh.trustDomain}'`);
    }
    return await fn({ dir, store, mesh });
  } finally {
    try {
      if (store) await store.close();
    } finally {
      lock?.release();
    }
  }
}

/** Appends one audit record for a CLI action (actor 'cli'). */
export function auditCli(
  store: Store,
  now: Date,
  action: string,
  outcome: AuditEntry['outcome'],
  details?: Record<string, unknown>,
  reason?: string,
): Promise<unknown> {
  const entry: AuditEntry = { at: now, actor: 'cli', action, outcome };
  if (details !== undefined) entry.details = details;
  if (reason !== undefined) entry.reason = reason;
  return store.appendAudit(entry);
}
