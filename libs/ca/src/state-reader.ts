/**
 * Opening a state directory for a long-running reader (the signer): it serves from D's store
 * while `trustmesh` commands write to it from other processes, so it never creates, migrates
 * away or locks anything; it only needs the store, the mesh config in force and the key files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseMeshConfig, type MeshConfig } from '@trustmesh/policy';
import { openSqliteStore, type SqliteOpenOptions, type Store } from '@trustmesh/store';
import { CaError } from './errors';
import { LAYOUT, statePath } from './layout';

/** An open state directory of a reader. The caller closes `store`. */
export interface StateReader {
  readonly dir: string;
  readonly store: Store;
  readonly mesh: MeshConfig;
  /** Absolute path of a CA record's key file (`keyRef` is relative to D). */
  keyPath(keyRef: string): string;
}

/**
 * Opens `dir`: checks the store exists, parses D/mesh.yaml, then opens the store (never created)
 * with the reader's `synchronous` mode. Throws CaError NOT_INITIALIZED (detail: "<db> not found:
 * run trustmesh init --dir D first") without a store; the mesh file's read error or PolicyError
 * CONFIG_INVALID and store errors (DB_CORRUPT, DB_FOREIGN, ...) as they are.
 */
export async function openStateReader(dir: string, o: { synchronous?: SqliteOpenOptions['synchronous'] } = {}): Promise<StateReader> {
  const dbPath = statePath(dir, LAYOUT.db);
  if (!existsSync(dbPath)) throw new CaError('NOT_INITIALIZED', `${dbPath} not found: run trustmesh init --dir ${dir} first`);
  const mesh = parseMeshConfig(readFileSync(statePath(dir, LAYOUT.mesh), 'utf8'));
  const store = await openSqliteStore(dbPath, { create: false, ...(o.synchronous !== undefined ? { synchronous: o.synchronous } : {}) });
  return { dir, store, mesh, keyPath: (keyRef) => statePath(dir, keyRef) };
}
