/**
 * `trustmesh init`, the state-directory part. Everything is built in a staging directory
 * inside D (same filesystem), then renamed into place with the store last: D only looks
 * initialized (has trustmesh.db) once every file is there. A failure removes what was made;
 * a crash leaves only the staging directory and a stale lock, which the next init clears.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, fsyncDir, writeFileAtomic } from '@trustmesh/keystore';
import { pemEncode } from '@trustmesh/pki';
import type { MeshConfig } from '@trustmesh/policy';
import { openSqliteStore, type CaRecord, type IssuedCertRecord } from '@trustmesh/store';
import { CaError } from './errors';
import { createAdminIdentity } from './admin-identity';
import { createCaSet, type Protection } from './ca-factory';
import { isStoreFile, LAYOUT, META, PLATFORM_TYPE, STAGING_PREFIX, statePath } from './layout';
import { auditCli } from './session';
import { readKeyFileForCa } from './unlock';

/** What init made. */
export interface InitResult {
  cas: CaRecord[];
  admin: IssuedCertRecord;
}

/** Entries moved from staging into D, in order; the store comes last on purpose. */
const COMMIT_ORDER = [LAYOUT.offline, LAYOUT.keys, LAYOUT.admin, LAYOUT.mesh, LAYOUT.platformRoot];

/**
 * Initializes `dir` (created if missing). Throws ALREADY_INITIALIZED when D holds a store or
 * keys (nothing is touched), DIR_NOT_EMPTY for foreign files, keystore LOCKED when another
 * init/ca command runs; any other failure leaves D as it was.
 */
export async function initState(o: {
  dir: string;
  mesh: MeshConfig;
  meshText: string;
  now: Date;
  protection: Protection;
  progress: (line: string) => void;
}): Promise<InitResult> {
  const created = !existsSync(o.dir);
  if (!created && !statSync(o.dir).isDirectory()) throw new CaError('DIR_NOT_EMPTY', `${o.dir} is not a directory`);
  if (!created) preflight(o.dir);
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const lock = acquireLock(statePath(o.dir, LAYOUT.lock));
  const moved: string[] = [];
  let staging: string | undefined;
  try {
    preflight(o.dir); // again, under the lock: another init may have finished meanwhile
    removeStaleStaging(o.dir);
    staging = mkdtempSync(join(o.dir, STAGING_PREFIX));
    const result = await build(staging, o);
    for (const name of [...COMMIT_ORDER, ...dbFiles(staging)]) {
      renameSync(join(staging, name), join(o.dir, name));
      moved.push(join(o.dir, name));
    }
    fsyncDir(o.dir);
    rmdirSync(staging);
    return result;
  } catch (err) {
    for (const p of moved.reverse()) rmSync(p, { recursive: true, force: true });
    if (staging) rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    lock.release();
    if (created && readdirSync(o.dir).length === 0) rmdirSync(o.dir);
  }
}

async function build(
  staging: string,
  o: { mesh: MeshConfig; meshText: string; now: Date; protection: Protection; progress: (line: string) => void },
): Promise<InitResult> {
  for (const sub of [LAYOUT.keys, LAYOUT.offline, LAYOUT.admin]) mkdirSync(join(staging, sub), { mode: 0o700 });
  const td = o.mesh.trustDomain;
  const cas: CaRecord[] = [];
  const files: string[] = [];
  let platformIntermediate: CaRecord | undefined;
  for (const type of [PLATFORM_TYPE, ...Object.keys(o.mesh.types)]) {
    const set = await createCaSet({ dir: staging, type, trustDomain: td, now: o.now, protection: o.protection });
    cas.push(set.root, set.intermediate);
    files.push(...set.files);
    if (type === PLATFORM_TYPE) platformIntermediate = set.intermediate;
    o.progress(`init: CA set '${type}': root ${set.root.id}, intermediate ${set.intermediate.id}`);
  }
  const platform = platformIntermediate as CaRecord;
  // Read the platform key back from its file: proves the file we just wrote unlocks.
  const platformKey = await readKeyFileForCa(staging, platform, o.protection);
  const admin = await createAdminIdentity({
    dir: staging,
    trustDomain: td,
    now: o.now,
    platform: { record: platform, privateKey: platformKey },
    protection: o.protection,
    files,
  });
  o.progress(`init: admin identity ${admin.spiffeId}, valid until ${admin.notAfter.toISOString()}`);
  writeFileAtomic(join(staging, LAYOUT.mesh), o.meshText, { mode: 0o644 });
  const platformRoot = cas.find((c) => c.serviceType === PLATFORM_TYPE && c.role === 'root') as CaRecord;
  writeFileAtomic(join(staging, LAYOUT.platformRoot), pemEncode('CERTIFICATE', platformRoot.certificateDer), {
    mode: 0o644,
  });
  const store = await openSqliteStore(join(staging, LAYOUT.db), { create: true });
  try {
    await store.transaction(async (s) => {
      for (const ca of cas) await s.putCa(ca);
      await s.recordIssued(admin);
      await s.setMeta(META.trustDomain, td);
      await s.setMeta(META.keyProtection, o.protection.kind);
      await s.setMeta(META.bundleVersion, '1');
      for (const ca of cas.filter((c) => c.role === 'root')) {
        const inter = cas.find((c) => c.parentId === ca.id) as CaRecord;
        await auditCli(s, o.now, 'ca.create', 'ok', {
          serviceType: ca.serviceType,
          rootId: ca.id,
          intermediateId: inter.id,
        });
      }
      await auditCli(s, o.now, 'init', 'ok', {
        trustDomain: td,
        types: Object.keys(o.mesh.types),
        keyProtection: o.protection.kind,
        admin: { serial: admin.serialHex, spiffeId: admin.spiffeId },
      });
    });
  } finally {
    await store.close();
  }
  return { cas, admin };
}

/** Refuses a directory that holds a store or keys, or files trustmesh did not make. */
function preflight(dir: string): void {
  const entries = readdirSync(dir);
  const ours: string[] = [LAYOUT.db, LAYOUT.keys, LAYOUT.offline, LAYOUT.admin, LAYOUT.mesh, LAYOUT.platformRoot];
  const found = entries.filter((e) => ours.includes(e) || isStoreFile(e));
  if (found.length > 0) throw new CaError('ALREADY_INITIALIZED', `${dir} holds ${found.join(', ')}`);
  const foreign = entries.filter(
    (e) => e !== LAYOUT.lock && !e.startsWith(STAGING_PREFIX) && !e.startsWith(`${LAYOUT.lock}.stale-`),
  );
  if (foreign.length > 0) throw new CaError('DIR_NOT_EMPTY', `${dir} holds ${foreign.slice(0, 5).join(', ')}`);
}

/**
 * Staging directories of crashed inits hold keys that were never committed or referenced:
 * removing them (under the lock) loses nothing. Committed keys are never touched.
 */
function removeStaleStaging(dir: string): void {
  for (const e of readdirSync(dir)) {
    if (e.startsWith(STAGING_PREFIX)) rmSync(join(dir, e), { recursive: true, force: true });
  }
}

/** The SQLite file and any WAL side files, side files first so the store lands last. */
function dbFiles(staging: string): string[] {
  const side = readdirSync(staging).filter((e) => isStoreFile(e) && e !== LAYOUT.db);
  return [...side, LAYOUT.db];
}
