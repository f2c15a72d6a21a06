/**
 * Rotation bad input and crashes: phases out of order, unknown type, wrong passphrase, the
 * offline root moved away, usage errors — each with its code, nothing changed, audited; and a
 * process killed between writing its keys and its store transaction, then re-run: consistent.
 */
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { isStoreFile, LAYOUT, META, rotationMetaKey } from '@trustmesh/ca';
import { baseEnv, cli, errorCode, opensslVerify, snapshot, tempDir } from './harness';
import { auditTrail, crashStep, initMesh, issueLeaf, only, pemOf, typeState, withStore } from './rotation-fixture';

jest.setTimeout(120_000);

let tmp: { dir: string; cleanup: () => void };
let state: string;
beforeAll(() => {
  tmp = tempDir('tm-rot-bad-');
  state = join(tmp.dir, 'state');
  initMesh(tmp.dir, state);
});
afterAll(() => tmp.cleanup());

/** Files and CA records, to prove a refused command changed nothing but the audit log. */
async function fingerprint(): Promise<unknown> {
  const files = snapshot(state);
  for (const f of Object.keys(files)) if (isStoreFile(f)) delete files[f];
  const cas = await withStore(state, async (s) => (await s.listCas()).map((c) => `${c.id}:${c.state}`));
  const meta = await withStore(state, async (s) => [
    await s.getMeta(META.bundleVersion),
    await s.getMeta(rotationMetaKey('api')),
  ]);
  return { files, cas, meta };
}

describe('refused with a clear code, nothing changed', () => {
  it.each([
    [
      'fail/activate before prepare',
      ['ca', 'rotate', 'api', '--root', '--phase', 'activate'],
      1,
      'ROTATION_PHASE_INVALID',
    ],
    ['fail/retire before prepare', ['ca', 'rotate', 'api', '--root', '--phase', 'retire'], 1, 'ROTATION_PHASE_INVALID'],
    ['fail/rotate an unknown type', ['ca', 'rotate', 'nope', '--intermediate'], 1, 'TYPE_UNKNOWN'],
    ['fail/renew an unknown type', ['ca', 'renew', 'nope', '--keep-key'], 1, 'TYPE_UNKNOWN'],
    [
      'fail/rotate platform (not a service type)',
      ['ca', 'rotate', 'platform', '--root', '--phase', 'prepare'],
      1,
      'TYPE_UNKNOWN',
    ],
    ['fail/neither --intermediate nor --root', ['ca', 'rotate', 'api'], 2, 'CONFIG_INVALID'],
    ['fail/--root without --phase', ['ca', 'rotate', 'api', '--root'], 2, 'CONFIG_INVALID'],
    ['fail/unknown phase', ['ca', 'rotate', 'api', '--root', '--phase', 'finish'], 2, 'CONFIG_INVALID'],
    [
      'fail/--window with prepare',
      ['ca', 'rotate', 'api', '--root', '--phase', 'prepare', '--window', '5m'],
      2,
      'CONFIG_INVALID',
    ],
    [
      'fail/--threshold over 100%',
      ['ca', 'rotate', 'api', '--root', '--phase', 'activate', '--threshold', '150%'],
      2,
      'CONFIG_INVALID',
    ],
    [
      'fail/--window not a duration',
      ['ca', 'rotate', 'api', '--root', '--phase', 'activate', '--window', '10 minutes'],
      2,
      'CONFIG_INVALID',
    ],
    ['fail/renew without --keep-key', ['ca', 'renew', 'api'], 2, 'CONFIG_INVALID'],
    [
      'fail/both --intermediate and --root',
      ['ca', 'rotate', 'api', '--intermediate', '--root', '--phase', 'prepare'],
      2,
      'CONFIG_INVALID',
    ],
  ])('%s', async (_name, args, exit, code) => {
    const before = await fingerprint();
    const r = cli([...args, '--dir', state]);
    expect([r.code, errorCode(r.stderr)]).toEqual([exit, code]);
    expect(await fingerprint()).toEqual(before);
  });

  it.each([
    [
      'fail/wrong passphrase for the root key (intermediate rotation)',
      ['ca', 'rotate', 'api', '--intermediate'],
      'ca.rotate.intermediate',
    ],
    ['fail/wrong passphrase (prepare)', ['ca', 'rotate', 'api', '--root', '--phase', 'prepare'], 'ca.rotate.prepare'],
    ['fail/wrong passphrase (renew)', ['ca', 'renew', 'api', '--keep-key'], 'ca.renew'],
  ])('%s: KEY_PASSPHRASE_WRONG, audited as denied', async (_name, args, action) => {
    const before = await fingerprint();
    const r = cli([...args, '--dir', state], baseEnv({ TRUSTMESH_PASSPHRASE: 'not the passphrase' }));
    expect([r.code, errorCode(r.stderr)]).toEqual([1, 'KEY_PASSPHRASE_WRONG']);
    expect(await fingerprint()).toEqual(before);
    expect((await auditTrail(state, action)).pop()).toEqual([action, 'denied', 'KEY_PASSPHRASE_WRONG']);
  });

  it('fail/the offline root moved off the machine: KEY_NOT_FOUND for an intermediate rotation, nothing written', async () => {
    const root = only((await typeState(state, 'db')).cas, 'root', 'active');
    const moved = join(tmp.dir, 'elsewhere.key');
    renameSync(join(state, root.keyRef), moved);
    try {
      const before = await fingerprint();
      const r = cli(['ca', 'rotate', 'db', '--intermediate', '--dir', state]);
      expect([r.code, errorCode(r.stderr)]).toEqual([1, 'KEY_NOT_FOUND']);
      expect(await fingerprint()).toEqual(before);
    } finally {
      renameSync(moved, join(state, root.keyRef));
    }
  });

  it('fail/phases out of order inside a rotation: retire before activate and renew during a rotation are refused', async () => {
    expect(cli(['ca', 'rotate', 'web', '--root', '--phase', 'prepare', '--dir', state]).code).toBe(0);
    const retire = cli(['ca', 'rotate', 'web', '--root', '--phase', 'retire', '--dir', state]);
    expect([retire.code, errorCode(retire.stderr)]).toEqual([1, 'ROTATION_PHASE_INVALID']);
    expect(retire.stderr).toContain('needs activate first');
    const renew = cli(['ca', 'renew', 'web', '--keep-key', '--dir', state]);
    expect([renew.code, errorCode(renew.stderr)]).toEqual([1, 'ROTATION_PHASE_INVALID']);
    expect(await auditTrail(state, 'ca.rotate.retire')).toContainEqual([
      'ca.rotate.retire',
      'denied',
      'ROTATION_PHASE_INVALID',
    ]);
  });
});

describe('crash between the steps of a phase', () => {
  it.each([
    ['prepare', ['--root', '--phase', 'prepare']],
    ['intermediate', ['--intermediate']],
  ] as const)(
    'ok/%s killed after writing its keys: nothing recorded; the re-run archives the stray keys and completes',
    async (step, flags) => {
      const dir = join(tmp.dir, `crash-${flags.length}`);
      initMesh(tmp.dir, dir);
      const before = await typeState(dir, 'api');
      const keysBefore = [...readdirSync(join(dir, 'keys')), ...readdirSync(join(dir, 'offline'))].sort();
      const crash = crashStep(tmp.dir, dir, 'api', step, 'keys');
      expect([crash.signal, crash.stderr]).toEqual(['SIGKILL', '']); // killed at the point: no exit code, nothing said
      const afterCrash = await typeState(dir, 'api');
      expect(afterCrash.states).toEqual(before.states);
      expect(afterCrash.version).toBe(before.version);
      const stray = [...readdirSync(join(dir, 'keys')), ...readdirSync(join(dir, 'offline'))].filter(
        (f) => !keysBefore.includes(f),
      );
      expect(stray.length).toBeGreaterThan(0);

      const rerun = cli(['ca', 'rotate', 'api', ...flags, '--dir', dir]);
      expect([rerun.code, errorCode(rerun.stderr)]).toEqual([0, undefined]);
      expect(rerun.stderr).toContain('left by an interrupted run');
      for (const f of stray) {
        if (f === 'archive') continue;
        expect(existsSync(join(dir, LAYOUT.archive, `unused-${f}`))).toBe(true);
      }
      // Every key file in keys/ and offline/ belongs to a CA record; every record's key is there.
      const s = await typeState(dir, 'api');
      const all = await withStore(dir, (st) => st.listCas());
      const inPlace = [
        ...readdirSync(join(dir, 'keys')).map((f) => `keys/${f}`),
        ...readdirSync(join(dir, 'offline'))
          .filter((f) => f.endsWith('.key'))
          .map((f) => `offline/${f}`),
      ];
      expect(inPlace.sort()).toEqual([...new Set(all.map((c) => c.keyRef))].sort());
      // The new chain verifies.
      const inter =
        flags[0] === '--intermediate' ? only(s.cas, 'intermediate', 'active') : only(s.cas, 'intermediate', 'standby');
      const root = all.find((c) => c.id === inter.parentId)!;
      const leaf = await issueLeaf(dir, inter, 'api-7');
      expect(opensslVerify(tmp.dir, pemOf(root), leaf.pem, pemOf(inter)).ok).toBe(true);
      expect(cli(['audit', 'verify', '--dir', dir]).code).toBe(0);
    },
  );

  it('ok/retire killed after its store transaction: records retired, keys still in place; the re-run archives them and says it was done', async () => {
    const dir = join(tmp.dir, 'crash-retire');
    initMesh(tmp.dir, dir);
    const s0 = await typeState(dir, 'db');
    const oldRoot = only(s0.cas, 'root', 'active');
    const oldInter = only(s0.cas, 'intermediate', 'active');
    expect(cli(['ca', 'rotate', 'db', '--root', '--phase', 'prepare', '--dir', dir]).code).toBe(0);
    expect(cli(['ca', 'rotate', 'db', '--root', '--phase', 'activate', '--dir', dir]).code).toBe(0);
    const crash = crashStep(tmp.dir, dir, 'db', 'retire', 'store');
    expect([crash.signal, crash.stderr]).toEqual(['SIGKILL', '']);
    const s1 = await typeState(dir, 'db');
    expect([s1.states[oldRoot.id], s1.states[oldInter.id], s1.version, s1.hint]).toEqual([
      'root:retired',
      'intermediate:retired',
      '4',
      '0',
    ]);
    expect(existsSync(join(dir, oldRoot.keyRef))).toBe(true);

    const rerun = cli(['ca', 'rotate', 'db', '--root', '--phase', 'retire', '--dir', dir]);
    expect([rerun.code, errorCode(rerun.stderr)]).toEqual([0, undefined]);
    expect(rerun.stdout).toContain('already done');
    expect(rerun.stdout).toContain('archived 2 key file(s)');
    expect(readdirSync(join(dir, LAYOUT.archive)).sort()).toEqual([`${oldInter.id}.key`, `${oldRoot.id}.key`].sort());
    expect((await typeState(dir, 'db')).version).toBe('4');
  });
});
