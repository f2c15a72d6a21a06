/** Opening a state directory the way the signer does: store, mesh config, key paths; its refusals. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT, META, statePath } from './layout';
import { openStateReader } from './state-reader';
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
      expect([err.code, err.detail]).toEqual(['NOT_INITIALIZED', `${statePath(t.dir, LAYOUT.db)} not found: run trustmesh init --dir ${t.dir} first`]);
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
});
