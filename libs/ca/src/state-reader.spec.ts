/** Opening a state directory the way the signer does: store, mesh config, key paths; its refusals. */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT, META, statePath } from './layout';
import { inspectStateReader, openStateReader } from './state-reader';
import { initTempState, rejection, tempDir, type TempState } from './testing/temp-state';

let s: TempState | undefined;
afterEach(() => s?.cleanup());

describe('openStateReader', () => {
  it.each<[string, 'full' | 'normal' | undefined]>([
    ['ok/an initialized directory, default sync', undefined],
    ['ok/an initialized directory, synchronous normal', 'normal'],
  ])('%s', async (_name, synchronous) => {
    s = await initTempState();
    const r = await openStateReader(s.dir, synchronous ? { synchronous } : {});
    try {
      expect(r.mesh.trustDomain).toBe('example.test');
      expect(await r.store.getMeta(META.bundleVersion)).toBe('1');
      const ca = s.init.cas[0]!;
      expect(r.keyPath(ca.keyRef)).toBe(statePath(s.dir, ca.keyRef));
    } finally {
      await r.store.close();
    }
  });

  it('fail/NOT_INITIALIZED without a store, naming the file and the fix', async () => {
    const t = tempDir();
    try {
      const err = await rejection(openStateReader(t.dir));
      expect([err.code, err.detail]).toEqual([
        'NOT_INITIALIZED',
        `${statePath(t.dir, LAYOUT.db)} not found: run trustmesh init --dir ${t.dir} first`,
      ]);
    } finally {
      t.cleanup();
    }
  });

  it('fail/CONFIG_INVALID (policy) when the mesh file is not a mesh config', async () => {
    s = await initTempState();
    writeFileSync(statePath(s.dir, LAYOUT.mesh), 'types: 3\n');
    expect((await rejection(openStateReader(s.dir))).code).toBe('CONFIG_INVALID');
  });

  it('fail/DB_CORRUPT (store) when the store file is not a database', async () => {
    const t = tempDir();
    try {
      const dir = join(t.dir, 'state');
      mkdirSync(dir);
      writeFileSync(statePath(dir, LAYOUT.mesh), 'trustDomain: example.test\ntypes:\n  api: {}\n');
      writeFileSync(statePath(dir, LAYOUT.db), Buffer.alloc(4096, 0x5a));
      expect((await rejection(openStateReader(dir))).code).toBe('DB_CORRUPT');
    } finally {
      t.cleanup();
    }
  });

  it('fail/TRUST_DOMAIN_MISMATCH when the mesh file names another trust domain than the store', async () => {
    s = await initTempState();
    writeFileSync(
      statePath(s.dir, LAYOUT.mesh),
      readFileSync(statePath(s.dir, LAYOUT.mesh), 'utf8').replace('example.test', 'other.test'),
    );
    const err = await rejection(openStateReader(s.dir));
    expect([err.code, err.detail]).toEqual([
      'TRUST_DOMAIN_MISMATCH',
      `store has 'example.test', ${LAYOUT.mesh} has 'other.test'`,
    ]);
  });

  it('fail/FILE_NOT_FOUND (ca) when the mesh file is missing', async () => {
    s = await initTempState();
    rmSync(statePath(s.dir, LAYOUT.mesh));
    expect((await rejection(openStateReader(s.dir))).code).toBe('FILE_NOT_FOUND');
  });
});

describe('inspectStateReader', () => {
  it('ok/read-only: the reader works and no file of the directory changes (SQLite may add its empty WAL side files)', async () => {
    s = await initTempState();
    const before = hashes(s.dir);
    const r = await inspectStateReader(s.dir, { readonly: true });
    expect(r.problems).toEqual([]);
    expect(await r.reader?.store.getMeta(META.bundleVersion)).toBe('1');
    await r.reader?.store.close();
    const after = hashes(s.dir);
    const wal = `${statePath(s.dir, LAYOUT.db)}-wal`;
    if (wal in after) expect(readFileSync(wal).length).toBe(0);
    const sides = (h: Record<string, string>) =>
      Object.fromEntries(Object.entries(h).filter(([p]) => !/-(wal|shm)$/.test(p)));
    expect(sides(after)).toEqual(sides(before));
  });

  it('fail/independent problems are all listed: an invalid mesh file and a store that is no database', async () => {
    const t = tempDir();
    try {
      const dir = join(t.dir, 'state');
      mkdirSync(dir);
      writeFileSync(statePath(dir, LAYOUT.mesh), 'types: 3\n');
      writeFileSync(statePath(dir, LAYOUT.db), Buffer.alloc(4096, 0x5a));
      const r = await inspectStateReader(dir, { readonly: true });
      expect(r.problems.map((p) => (p as { code?: string }).code)).toEqual(['CONFIG_INVALID', 'DB_CORRUPT']);
    } finally {
      t.cleanup();
    }
  });
});

/** SHA-256 of every regular file directly in `dir` or below (name → hash). */
function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out[p] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}
