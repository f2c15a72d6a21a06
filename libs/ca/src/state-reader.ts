/**
 * Opening a state directory for a long-running reader (the signer): it serves from D's store
 * while `trustmesh` commands write to it from other processes, so it never creates, migrates
 * away or locks anything; it only needs the store, the mesh config in force and the key files.
 */
import { existsSync } from 'node:fs';
import type { MeshConfig } from '@trustmesh/policy';
import { openSqliteStore, type SqliteOpenOptions, type Store } from '@trustmesh/store';
import { CaError } from './errors';
import { LAYOUT, META, statePath } from './layout';
import { loadStateMesh } from './mesh-file';

/** An open state directory of a reader. The caller closes `store`. */
export interface StateReader {
  readonly dir: string;
  readonly store: Store;
  readonly mesh: MeshConfig;
  /** Absolute path of a CA record's key file (`keyRef` is relative to D). */
  keyPath(keyRef: string): string;
}

/** Options of {@link openStateReader}. */
export interface StateReaderOptions {
  /** SQLite durability of the read-write store (the signer's `--store-sync`). */
  synchronous?: SqliteOpenOptions['synchronous'];
  /** Open the store read-only: nothing is migrated or written (`trustmesh signer --check`). Default false. */
  readonly?: boolean;
}

/**
 * Every problem of opening `dir` as a reader, or the open reader when there is none. Independent
 * problems are all listed: a missing or invalid mesh file and an unusable store are both reported;
 * NOT_INITIALIZED (no store file) is the only one, and TRUST_DOMAIN_MISMATCH needs both to be good.
 * Problems are the errors {@link openStateReader} throws, in the order it would meet them.
 */
export async function inspectStateReader(
  dir: string,
  o: StateReaderOptions = {},
): Promise<{ reader: StateReader; problems: [] } | { reader?: undefined; problems: Error[] }> {
  const dbPath = statePath(dir, LAYOUT.db);
  if (!existsSync(dbPath))
    return { problems: [new CaError('NOT_INITIALIZED', `${dbPath} not found: run trustmesh init --dir ${dir} first`)] };
  const problems: Error[] = [];
  let mesh: MeshConfig | undefined;
  let store: Store | undefined;
  try {
    mesh = loadStateMesh(dir);
  } catch (err) {
    problems.push(err as Error);
  }
  try {
    store = await openSqliteStore(dbPath, {
      create: false,
      ...(o.readonly ? { readonly: true } : {}),
      ...(o.synchronous !== undefined ? { synchronous: o.synchronous } : {}),
    });
    if (mesh) {
      const td = await store.getMeta(META.trustDomain);
      if (td !== null && td !== mesh.trustDomain) {
        problems.push(
          new CaError('TRUST_DOMAIN_MISMATCH', `store has '${td}', ${LAYOUT.mesh} has '${mesh.trustDomain}'`),
        );
      }
    }
  } catch (err) {
    problems.push(err as Error);
  }
  if (problems.length > 0 || !mesh || !store) {
    await store?.close();
    return { problems };
  }
  return { reader: { dir, store, mesh, keyPath: (keyRef) => statePath(dir, keyRef) }, problems: [] };
}

/**
 * Opens `dir`: checks the store exists, reads D/mesh.yaml, opens the store (never created) with
 * the reader's `synchronous` mode (or read-only), and checks that the store's trust domain is the
 * mesh file's. Throws the first problem {@link inspectStateReader} finds: CaError NOT_INITIALIZED
 * (detail: "<db> not found: run trustmesh init --dir D first") without a store; the mesh file's
 * CaError FILE_NOT_FOUND / FILE_TOO_LARGE or PolicyError CONFIG_INVALID; store errors (DB_CORRUPT,
 * DB_FOREIGN, ...) as they are; CaError TRUST_DOMAIN_MISMATCH when store and mesh file disagree.
 */
export async function openStateReader(dir: string, o: StateReaderOptions = {}): Promise<StateReader> {
  const r = await inspectStateReader(dir, o);
  if (!r.reader) throw r.problems[0];
  return r.reader;
}
