/**
 * Keys are never deleted: a retired CA's key file and a key file left by an interrupted run
 * (written, but its store transaction never happened) move to D/offline/archive/.
 */
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fsyncDir } from '@trustmesh/keystore';
import type { Store } from '@trustmesh/store';
import { LAYOUT, statePath } from './layout';

/**
 * Moves the key file `keyRef` (relative to D) to D/offline/archive/<prefix><name>. Returns the
 * archive path, or null when the file is not at `keyRef` (already archived by an earlier run).
 * Never overwrites an archived file: a name clash gets a numeric suffix.
 */
export function archiveKey(dir: string, keyRef: string, prefix = ''): string | null {
  const from = statePath(dir, keyRef);
  if (!existsSync(from)) return null;
  const archive = statePath(dir, LAYOUT.archive);
  mkdirSync(archive, { recursive: true, mode: 0o700 });
  let to = join(archive, `${prefix}${basename(keyRef)}`);
  for (let i = 1; existsSync(to) && i < 1000; i++) to = join(archive, `${prefix}${basename(keyRef)}.${i}`);
  renameSync(from, to);
  fsyncDir(archive);
  fsyncDir(statePath(dir, keyRef.includes('/') ? keyRef.slice(0, keyRef.lastIndexOf('/')) : '.'));
  return to;
}

/**
 * Key files under D/keys/ and D/offline/ that no CA record names: left by a run that wrote its
 * keys and died before its store transaction. They were never trusted by anything, so moving
 * them aside (prefix `unused-`) restores the invariant "every key file belongs to a CA record".
 * Call under the state lock. Returns the archive paths.
 */
export async function archiveOrphanKeys(dir: string, store: Store): Promise<string[]> {
  const referenced = new Set((await store.listCas()).map((c) => c.keyRef));
  const moved: string[] = [];
  for (const sub of [LAYOUT.keys, LAYOUT.offline]) {
    const d = statePath(dir, sub);
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      const rel = `${sub}/${name}`;
      if (!name.endsWith('.key') || referenced.has(rel)) continue;
      const to = archiveKey(dir, rel, 'unused-');
      if (to) moved.push(to);
    }
  }
  return moved;
}
