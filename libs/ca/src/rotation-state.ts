/**
 * The rotation state of one service type: its CA records grouped by role and key, the stored
 * rotation record (store meta `rotation:<type>`), and the bundle version counter. A renewed root
 * (`ca renew --keep-key`) is a second record with the same key file, so a root is a *family* of
 * records sharing a keyRef; its intermediates are those whose parent is any record of the family.
 */
import type { CaRecord, CaState, Store } from '@trustmesh/store';
import { CaError } from './errors';
import { META, rotationMetaKey } from './layout';

/** Phases a root rotation has completed. */
export type RotationPhase = 'prepared' | 'activated' | 'retired';

/** What `rotation:<type>` holds: the last completed phase and the CAs involved. */
export interface RotationRecord {
  phase: RotationPhase;
  /** The root record being replaced (active at prepare). */
  oldRootId: string;
  newRootId: string;
  newIntermediateId: string;
  /** Bundle version that first carried the new root (what sidecars must load before activate). */
  preparedVersion: number;
  /** Unix seconds: the renew-before hint set by activate. */
  renewBeforeUnix?: number;
}

/** A type's CAs. */
export interface TypeCas {
  roots: CaRecord[];
  intermediates: CaRecord[];
}

/** Every CA of `type`, roots and intermediates, oldest first. */
export async function typeCas(store: Store, type: string): Promise<TypeCas> {
  const all = await store.listCas({ serviceType: type });
  const byAge = (a: CaRecord, b: CaRecord): number => a.createdAt.getTime() - b.createdAt.getTime();
  return {
    roots: all.filter((c) => c.role === 'root').sort(byAge),
    intermediates: all.filter((c) => c.role === 'intermediate').sort(byAge),
  };
}

/** Root records sharing `root`'s key (the root and its `--keep-key` renewals). */
export function rootFamily(cas: TypeCas, root: CaRecord): CaRecord[] {
  return cas.roots.filter((r) => r.keyRef === root.keyRef);
}

/** Intermediates issued under any record of `root`'s family. */
export function intermediatesOf(cas: TypeCas, root: CaRecord): CaRecord[] {
  const ids = new Set(rootFamily(cas, root).map((r) => r.id));
  return cas.intermediates.filter((i) => i.parentId !== null && ids.has(i.parentId));
}

/** Roots of the type in `state`. */
export function rootsIn(cas: TypeCas, state: CaState): CaRecord[] {
  return cas.roots.filter((r) => r.state === state);
}

/**
 * The type's one active root (the newest when several, which only a hand-edited store has).
 * Throws CA_NOT_FOUND when there is none.
 */
export function activeRoot(cas: TypeCas, type: string): CaRecord {
  const active = rootsIn(cas, 'active');
  const root = active[active.length - 1];
  if (!root) throw new CaError('CA_NOT_FOUND', `no active root for '${type}'`);
  return root;
}

/** The stored rotation record of `type`, or null. Throws ROTATION_STATE_INVALID when unreadable. */
export async function readRotation(store: Store, type: string): Promise<RotationRecord | null> {
  const text = await store.getMeta(rotationMetaKey(type));
  if (text === null || text === '') return null;
  try {
    const r = JSON.parse(text) as RotationRecord;
    const phases: readonly string[] = ['prepared', 'activated', 'retired'];
    if (
      !phases.includes(r.phase) ||
      typeof r.oldRootId !== 'string' ||
      typeof r.newRootId !== 'string' ||
      typeof r.newIntermediateId !== 'string' ||
      !Number.isSafeInteger(r.preparedVersion)
    )
      throw new Error('shape');
    return r;
  } catch (err) {
    throw new CaError('ROTATION_STATE_INVALID', `meta ${rotationMetaKey(type)}`, { cause: err });
  }
}

/** Writes the rotation record (inside the phase's transaction). */
export function writeRotation(store: Store, type: string, r: RotationRecord): Promise<void> {
  return store.setMeta(rotationMetaKey(type), JSON.stringify(r));
}

/** The bundle version in force (0 when unset or malformed, like the signer reads it). */
export async function bundleVersion(store: Store): Promise<number> {
  const n = Number(await store.getMeta(META.bundleVersion));
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** Increments the bundle version (call inside a transaction); returns the new version. */
export async function bumpBundleVersion(store: Store): Promise<number> {
  const next = (await bundleVersion(store)) + 1;
  await store.setMeta(META.bundleVersion, String(next));
  return next;
}

/** The record with `id` among the type's CAs; ROTATION_STATE_INVALID when the record names a missing CA. */
export function caById(cas: TypeCas, id: string): CaRecord {
  const found = [...cas.roots, ...cas.intermediates].find((c) => c.id === id);
  if (!found) throw new CaError('ROTATION_STATE_INVALID', `the rotation record names CA ${id}, which does not exist`);
  return found;
}
