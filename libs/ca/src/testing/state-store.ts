/**
 * Test helper: the store of an existing state directory, opened only for the length of one
 * callback (never created; closed even when `fn` throws), so a CLI or signer child process
 * never finds it held open mid-write. Used by end-to-end tests that inspect what a real
 * `trustmesh` run wrote.
 */
import { openSqliteStore, type Store } from '@trustmesh/store';
import { LAYOUT, statePath } from '../layout';

/** Runs `fn` on the store of the state directory `dir`, closing it afterwards. */
export async function withStateStore<T>(dir: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(statePath(dir, LAYOUT.db), { create: false });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
