/**
 * `initState` into temp directories with a real SQLite store and FAST_KDF key files: what a new
 * state directory holds, and every refusal with its exact code (nothing touched, nothing left).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeKeyFile } from '@trustmesh/keystore';
import { parseMeshConfig } from '@trustmesh/policy';
import { openSqliteStore } from '@trustmesh/store';
import { initState } from './init-state';
import {
  ADMIN_INSTANCE,
  ADMIN_TYPE,
  isStoreFile,
  LAYOUT,
  META,
  PLATFORM_TYPE,
  STAGING_PREFIX,
  statePath,
} from './layout';
import { readKeyFileForCa } from './unlock';
import { rejection, T0, TEST_MESH_YAML, tempDir, testProtection } from './testing/temp-state';

const mesh = parseMeshConfig(TEST_MESH_YAML);
const TYPES = Object.keys(mesh.types);

function init(
  dir: string,
  o: { protection?: 'encrypted' | 'plaintext'; passphrase?: string; progress?: string[] } = {},
): ReturnType<typeof initState> {
  const protection =
    o.passphrase !== undefined ? { ...testProtection(), passphrase: o.passphrase } : testProtection(o.protection);
  return initState({ dir, mesh, meshText: TEST_MESH_YAML, now: T0, protection, progress: (l) => o.progress?.push(l) });
}

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir('tm-ca-init-');
});
afterEach(() => tmp.cleanup());

describe('initState', () => {
  it('ok/a new directory: every layout entry, the store meta, a CA set per type and platform, the admin identity, audited', async () => {
    const dir = join(tmp.dir, 'state');
    const progress: string[] = [];
    const r = await init(dir, { progress });
    expect(
      readdirSync(dir)
        .filter((e) => !isStoreFile(e))
        .sort(),
    ).toEqual([LAYOUT.admin, LAYOUT.keys, LAYOUT.mesh, LAYOUT.offline, LAYOUT.platformRoot].sort());
    for (const f of [LAYOUT.adminCert, LAYOUT.adminKey, LAYOUT.db]) expect(existsSync(statePath(dir, f))).toBe(true);
    expect(readFileSync(statePath(dir, LAYOUT.mesh), 'utf8')).toBe(TEST_MESH_YAML);
    expect(r.cas.map((c) => `${c.serviceType}/${c.role}`).sort()).toEqual(
      [PLATFORM_TYPE, ...TYPES].flatMap((t) => [`${t}/intermediate`, `${t}/root`]).sort(),
    );
    expect(r.admin.spiffeId).toBe(`spiffe://example.test/${ADMIN_TYPE}/${ADMIN_INSTANCE}`);
    expect(progress).toHaveLength(TYPES.length + 2);

    const store = await openSqliteStore(statePath(dir, LAYOUT.db), { create: false });
    try {
      expect([
        await store.getMeta(META.trustDomain),
        await store.getMeta(META.keyProtection),
        await store.getMeta(META.bundleVersion),
      ]).toEqual(['example.test', 'encrypted', '1']);
      expect((await store.listCas()).length).toBe(r.cas.length);
      expect((await store.listIssued({ serviceType: ADMIN_TYPE })).map((i) => i.serialHex)).toEqual([
        r.admin.serialHex,
      ]);
      const actions = (await store.listAudit()).map((a) => `${a.action}:${a.outcome}`);
      expect(actions).toEqual([...Array(TYPES.length + 1).fill('ca.create:ok'), 'init:ok']);
    } finally {
      await store.close();
    }
    // Roots apart under offline/, intermediates under keys/; every key encrypted and unlockable.
    for (const c of r.cas) {
      expect(c.keyRef.startsWith(`${c.role === 'root' ? LAYOUT.offline : LAYOUT.keys}/`)).toBe(true);
      expect(describeKeyFile(statePath(dir, c.keyRef)).encrypted).toBe(true);
    }
    await expect(readKeyFileForCa(dir, r.cas[0]!, testProtection())).resolves.toBeDefined();
  });

  it('ok/plaintext keys are recorded as such', async () => {
    const dir = join(tmp.dir, 'state');
    const r = await init(dir, { protection: 'plaintext' });
    expect(describeKeyFile(statePath(dir, r.cas[0]!.keyRef)).encrypted).toBe(false);
    const store = await openSqliteStore(statePath(dir, LAYOUT.db), { create: false });
    try {
      expect(await store.getMeta(META.keyProtection)).toBe('plaintext');
    } finally {
      await store.close();
    }
  });

  it("ok/a crashed init's leftovers (staging directory, stale lock) are cleared", async () => {
    const dir = join(tmp.dir, 'state');
    mkdirSync(join(dir, `${STAGING_PREFIX}abc123`, LAYOUT.keys), { recursive: true });
    writeFileSync(join(dir, `${STAGING_PREFIX}abc123`, LAYOUT.keys, 'x.key'), 'never committed');
    writeFileSync(statePath(dir, LAYOUT.lock), '2147483646 dead-holder\n');
    await init(dir);
    expect(readdirSync(dir).filter((e) => e.startsWith(STAGING_PREFIX) || e === LAYOUT.lock)).toEqual([]);
  });

  it.each<[string, (dir: string) => Promise<void> | void, string]>([
    [
      'fail/an initialized directory',
      async (dir) => {
        await init(dir);
      },
      'ALREADY_INITIALIZED',
    ],
    [
      'fail/a directory holding only keys/',
      (dir) => {
        mkdirSync(statePath(dir, LAYOUT.keys), { recursive: true });
      },
      'ALREADY_INITIALIZED',
    ],
    [
      'fail/a directory holding only a store side file',
      (dir) => {
        mkdirSync(dir);
        writeFileSync(statePath(dir, `${LAYOUT.db}-wal`), '');
      },
      'ALREADY_INITIALIZED',
    ],
    [
      'fail/a directory with a file trustmesh did not make',
      (dir) => {
        mkdirSync(dir);
        writeFileSync(join(dir, 'notes.txt'), 'mine');
      },
      'DIR_NOT_EMPTY',
    ],
    [
      'fail/a path that is a file',
      (dir) => {
        writeFileSync(dir, 'not a directory');
      },
      'DIR_NOT_EMPTY',
    ],
  ])('%s: nothing touched', async (_name, setup, code) => {
    const dir = join(tmp.dir, 'state');
    await setup(dir);
    const before = snapshot(tmp.dir);
    expect((await rejection(init(dir))).code).toBe(code);
    expect(snapshot(tmp.dir)).toEqual(before);
  });

  it('fail/a failure midway (a passphrase the keystore refuses) leaves no directory behind', async () => {
    const dir = join(tmp.dir, 'state');
    expect((await rejection(init(dir, { passphrase: 'short' }))).code).toBe('KEY_PASSPHRASE_WEAK');
    expect(existsSync(dir)).toBe(false);
  });
});

/** Every path under `root` with its size and content (files) — to prove nothing changed. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out[`${r}/`] = 'dir';
        walk(p, r);
      } else out[r] = readFileSync(p).toString('base64');
    }
  };
  walk(root, '');
  return out;
}
