/**
 * The rotation state machine on a real state directory (SQLite store, key files under FAST_KDF):
 * phase order, idempotent re-runs, CA states and meta per phase, the safety gates, the
 * fault-injection hooks and crash recovery, and the state errors — each with its exact code.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { FAST_KDF } from '@trustmesh/keystore';
import type { CaRecord, Store } from '@trustmesh/store';
import { LAYOUT, META, renewBeforeMetaKey, rotationMetaKey, statePath } from './layout';
import { renewRootKeepKey, rotateIntermediate } from './rotate-ca';
import { activatePhase, preparePhase, retirePhase } from './rotate-root';
import { readRotation } from './rotation-state';
import type { StepContext, StepHooks, StepResult } from './rotation-step';
import { runRotationStep } from './run-step';
import { initTempState, rejection, T0, tempDir, type TempState } from './testing/temp-state';

type StepName = 'prepare' | 'activate' | 'retire' | 'intermediate' | 'renew';

const STEPS: Record<StepName, { action: string; run: (ctx: StepContext) => Promise<StepResult> }> = {
  prepare: { action: 'ca.rotate.prepare', run: preparePhase },
  activate: { action: 'ca.rotate.activate', run: (ctx) => activatePhase(ctx, { windowSeconds: 600, threshold: 1 }) },
  retire: { action: 'ca.rotate.retire', run: (ctx) => retirePhase(ctx, { sinceSeconds: 600 }) },
  intermediate: { action: 'ca.rotate.intermediate', run: rotateIntermediate },
  renew: { action: 'ca.renew', run: renewRootKeepKey },
};

function step(
  s: TempState,
  name: StepName,
  o: { type?: string; force?: boolean; passphrase?: string | null; hooks?: StepHooks } = {},
): Promise<StepResult> {
  return s.run(o.type ?? 'api', STEPS[name].action, STEPS[name].run, o);
}

/** `role:state` of each CA of `type`, keyed by id. */
async function states(s: TempState, type: string): Promise<Record<string, string>> {
  return s.withStore(async (st) =>
    Object.fromEntries((await st.listCas({ serviceType: type })).map((c) => [c.id, `${c.role}:${c.state}`])),
  );
}

async function meta(
  s: TempState,
  type: string,
): Promise<{ version: string | null; hint: string | null; rotation: string | null }> {
  return s.withStore(async (st) => ({
    version: await st.getMeta(META.bundleVersion),
    hint: await st.getMeta(renewBeforeMetaKey(type)),
    rotation: await st.getMeta(rotationMetaKey(type)),
  }));
}

async function lastAudit(s: TempState): Promise<[string, string, string | undefined]> {
  const all = await s.withStore((st) => st.listAudit());
  const a = all[all.length - 1]!;
  return [a.action, a.outcome, a.reason];
}

function only(cas: readonly CaRecord[], role: string, state: string): CaRecord {
  const found = cas.filter((c) => c.role === role && c.state === state);
  if (found.length !== 1) throw new Error(`expected one ${role} in ${state}, found ${found.length}`);
  return found[0]!;
}

let s: TempState | undefined;
afterEach(() => s?.cleanup());

describe('phase order (fresh state per row)', () => {
  it.each<[string, StepName[], StepName, { noop: boolean } | { code: string; detail: string }]>([
    ['ok/prepare from steady', [], 'prepare', { noop: false }],
    ['ok/prepare again is a no-op', ['prepare'], 'prepare', { noop: true }],
    ['ok/activate after prepare', ['prepare'], 'activate', { noop: false }],
    ['ok/activate again is a no-op', ['prepare', 'activate'], 'activate', { noop: true }],
    ['ok/retire after activate', ['prepare', 'activate'], 'retire', { noop: false }],
    ['ok/retire again is a no-op', ['prepare', 'activate', 'retire'], 'retire', { noop: true }],
    ['ok/a new rotation may start after retire', ['prepare', 'activate', 'retire'], 'prepare', { noop: false }],
    ['ok/intermediate rotation in steady state', [], 'intermediate', { noop: false }],
    ['ok/renew --keep-key in steady state', [], 'renew', { noop: false }],
    ['ok/renew --keep-key after a finished rotation', ['prepare', 'activate', 'retire'], 'renew', { noop: false }],
    [
      'fail/activate before prepare',
      [],
      'activate',
      { code: 'ROTATION_PHASE_INVALID', detail: 'needs a prepare first' },
    ],
    [
      'fail/retire before prepare',
      [],
      'retire',
      { code: 'ROTATION_PHASE_INVALID', detail: 'needs prepare and activate first' },
    ],
    [
      'fail/retire after prepare only',
      ['prepare'],
      'retire',
      { code: 'ROTATION_PHASE_INVALID', detail: 'needs activate first' },
    ],
    [
      'fail/prepare while activated',
      ['prepare', 'activate'],
      'prepare',
      { code: 'ROTATION_PHASE_INVALID', detail: 'has a root rotation in progress' },
    ],
    [
      'fail/renew during a rotation',
      ['prepare'],
      'renew',
      { code: 'ROTATION_PHASE_INVALID', detail: 'finish it (retire) before renewing' },
    ],
  ])('%s', async (_name, before, under, want) => {
    s = await initTempState();
    for (const b of before) await step(s, b);
    if ('code' in want) {
      const err = await rejection(step(s, under));
      expect([err.code, err.detail]).toEqual([want.code, expect.stringContaining(want.detail)]);
      expect(await lastAudit(s)).toEqual([STEPS[under].action, 'denied', want.code]);
    } else {
      const r = await step(s, under);
      expect({ action: r.action, noop: r.noop }).toEqual({ action: STEPS[under].action, noop: want.noop });
      expect(await lastAudit(s)).toEqual([STEPS[under].action, 'ok', undefined]);
    }
  });

  it.each<[string, string, string | null, string]>([
    ['fail/a type not in the mesh', 'nosuch', 'libs/ca test passphrase', 'TYPE_UNKNOWN'],
    ['fail/platform is not a service type', 'platform', 'libs/ca test passphrase', 'TYPE_UNKNOWN'],
    ['fail/the wrong passphrase', 'api', 'not the passphrase', 'KEY_PASSPHRASE_WRONG'],
    ['fail/no passphrase for encrypted keys', 'api', null, 'KEY_PASSPHRASE_REQUIRED'],
  ])('%s', async (_name, type, passphrase, code) => {
    s = await initTempState();
    const before = await states(s, 'api');
    expect((await rejection(step(s, 'prepare', { type, passphrase }))).code).toBe(code);
    expect(await states(s, 'api')).toEqual(before);
    expect(await lastAudit(s)).toEqual(['ca.rotate.prepare', 'denied', code]);
  });
});

describe('what each phase records', () => {
  it('ok/states, bundle version, hint, rotation record and archived keys after prepare, activate, retire', async () => {
    s = await initTempState();
    const cas0 = await s.withStore((st) => st.listCas({ serviceType: 'api' }));
    const oldRoot = only(cas0, 'root', 'active');
    const oldInter = only(cas0, 'intermediate', 'active');
    expect(await meta(s, 'api')).toEqual({ version: '1', hint: null, rotation: null });

    const p = await step(s, 'prepare');
    const newRoot = p.details.newRootId as string;
    const newInter = p.details.newIntermediateId as string;
    expect(await states(s, 'api')).toEqual({
      [oldRoot.id]: 'root:active',
      [oldInter.id]: 'intermediate:active',
      [newRoot]: 'root:incoming',
      [newInter]: 'intermediate:standby',
    });
    expect(await s.withStore((st) => readRotation(st, 'api'))).toEqual({
      phase: 'prepared',
      oldRootId: oldRoot.id,
      newRootId: newRoot,
      newIntermediateId: newInter,
      preparedVersion: 2,
    });
    expect((await meta(s, 'api')).version).toBe('2');

    const a = await step(s, 'activate');
    const hint = Math.floor(T0.getTime() / 1000) + 600;
    expect(a.details).toMatchObject({ bundleVersion: 3, renewBeforeUnix: hint, forced: false, sidecarsTotal: 0 });
    expect(await states(s, 'api')).toEqual({
      [oldRoot.id]: 'root:retiring',
      [oldInter.id]: 'intermediate:standby',
      [newRoot]: 'root:active',
      [newInter]: 'intermediate:active',
    });
    expect(await meta(s, 'api')).toMatchObject({ version: '3', hint: String(hint) });

    const r = await step(s, 'retire');
    expect(await states(s, 'api')).toEqual({
      [oldRoot.id]: 'root:retired',
      [oldInter.id]: 'intermediate:retired',
      [newRoot]: 'root:active',
      [newInter]: 'intermediate:active',
    });
    expect(await meta(s, 'api')).toMatchObject({ version: '4', hint: '0' });
    expect(r.message).toContain(`2 key file(s) moved to ${LAYOUT.archive}/`);
    expect(readdirSync(statePath(s.dir, LAYOUT.archive)).sort()).toEqual(
      [`${oldInter.id}.key`, `${oldRoot.id}.key`].sort(),
    );
    expect(existsSync(statePath(s.dir, oldRoot.keyRef))).toBe(false);
    // Other types are untouched by api's rotation.
    expect(Object.values(await states(s, 'db'))).toEqual(['root:active', 'intermediate:active']);
  });

  it('ok/intermediate rotation: the new one active, the old one standby, no bundle change', async () => {
    s = await initTempState();
    const old = only(await s.withStore((st) => st.listCas({ serviceType: 'db' })), 'intermediate', 'active');
    const r = await step(s, 'intermediate', { type: 'db' });
    expect(await states(s, 'db')).toMatchObject({
      [old.id]: 'intermediate:standby',
      [r.details.intermediateId as string]: 'intermediate:active',
    });
    expect((await meta(s, 'db')).version).toBe('1');
  });

  it('ok/renew --keep-key: a second record <ski>-r2 with the same key file is the active root', async () => {
    s = await initTempState();
    const old = only(await s.withStore((st) => st.listCas({ serviceType: 'db' })), 'root', 'active');
    const r = await step(s, 'renew', { type: 'db' });
    const cas = await s.withStore((st) => st.listCas({ serviceType: 'db', role: 'root' }));
    expect(cas.map((c) => [c.id, c.state, c.keyRef]).sort()).toEqual([
      [old.id, 'retired', old.keyRef],
      [`${old.id}-r2`, 'active', old.keyRef],
    ]);
    expect(r.details).toMatchObject({ recordId: `${old.id}-r2`, bundleVersion: 2 });
  });
});

describe('safety gates', () => {
  const report = (st: Store, type: string, id: string, r: Record<string, unknown>): Promise<void> =>
    st.putStatusReport({ instanceId: id, serviceType: type, receivedAt: T0, report: r });

  it.each<[string, (st: Store) => Promise<void>, { threshold: number } | null, string | null]>([
    [
      'fail/activate while a web sidecar (dials api) still has the old bundle',
      async (st) => {
        await report(st, 'api', 'api-1', { bundleVersion: 2 });
        await report(st, 'web', 'web-1', { bundleVersion: 1 });
      },
      null,
      'ROTATION_NOT_SAFE',
    ],
    [
      'fail/activate while a sidecar reports no version',
      (st) => report(st, 'db', 'db-1', {}),
      null,
      'ROTATION_NOT_SAFE',
    ],
    [
      'ok/activate when every concerned sidecar holds the prepare bundle',
      async (st) => {
        await report(st, 'api', 'api-1', { bundleVersion: 2 });
        await report(st, 'cron', 'cron-1', { bundleVersion: 1 }); // cron neither accepts nor dials api
      },
      null,
      null,
    ],
    [
      'ok/activate at threshold 50% with 1 of 2 ready',
      async (st) => {
        await report(st, 'api', 'api-1', { bundleVersion: 2 });
        await report(st, 'web', 'web-1', { bundleVersion: 1 });
      },
      { threshold: 0.5 },
      null,
    ],
  ])('%s', async (_name, setup, o, code) => {
    s = await initTempState();
    await step(s, 'prepare');
    await s.withStore(setup);
    const run = (ctx: StepContext): Promise<StepResult> =>
      activatePhase(ctx, { windowSeconds: 600, threshold: o?.threshold ?? 1 });
    if (code === null) {
      expect((await s.run('api', 'ca.rotate.activate', run)).details.forced).toBe(false);
      return;
    }
    const err = await rejection(s.run('api', 'ca.rotate.activate', run));
    expect(err.code).toBe(code);
    expect(await lastAudit(s)).toEqual(['ca.rotate.activate', 'denied', code]);
    const forced = await s.run('api', 'ca.rotate.activate', run, { force: true });
    expect(forced.details.forced).toBe(true);
    expect(s.warnings).toEqual([`--force: proceeding although ${err.detail}`]);
  });

  it.each<[string, (st: Store, oldInter: CaRecord) => Promise<void>, string]>([
    [
      'fail/retire while a leaf under the old intermediate is unexpired',
      (st, oldInter) =>
        st.recordIssued({
          serialHex: '0a',
          serviceType: 'api',
          instanceId: 'api-9',
          spiffeId: 'spiffe://example.test/api/api-9',
          sans: { dns: [], uris: ['spiffe://example.test/api/api-9'], ips: [] },
          caId: oldInter.id,
          notBefore: T0,
          notAfter: new Date(T0.getTime() + 3600_000),
          spkiPin: 'pin',
          issuedAt: T0,
        }),
      '1 live leaf certificate(s) under the old CA (api-9',
    ],
    [
      'fail/retire while an api sidecar still uses an old-CA certificate',
      (st, oldInter) => report(st, 'api', 'api-2', { bundleVersion: 3, caId: oldInter.id }),
      'sidecars still on the old CA (api-2)',
    ],
    [
      'fail/retire after a recent fallback towards api',
      (st) =>
        report(st, 'web', 'web-1', {
          bundleVersion: 3,
          fallbacks: [
            {
              peerType: 'api',
              peerAddress: '127.0.0.1:1',
              kind: 'peer-untrusted',
              count: 1,
              lastAtUnix: T0.getTime() / 1000 - 60,
            },
          ],
        }),
      'recent fallbacks (web-1→api@127.0.0.1:1)',
    ],
  ])('%s: ROTATION_NOT_SAFE, then --force', async (_name, setup, why) => {
    s = await initTempState();
    const oldInter = only(await s.withStore((st) => st.listCas({ serviceType: 'api' })), 'intermediate', 'active');
    await step(s, 'prepare');
    await step(s, 'activate');
    await s.withStore((st) => setup(st, oldInter));
    const err = await rejection(step(s, 'retire'));
    expect([err.code, err.detail]).toEqual(['ROTATION_NOT_SAFE', expect.stringContaining(why)]);
    expect(await lastAudit(s)).toEqual(['ca.rotate.retire', 'denied', 'ROTATION_NOT_SAFE']);
    expect((await step(s, 'retire', { force: true })).details.forced).toBe(true);
    expect(s.warnings).toEqual([`--force: proceeding although ${err.detail}`]);
  });
});

describe('fault-injection hooks and crash recovery', () => {
  it.each<[string, StepName[], StepName, ('afterKeys' | 'afterStore')[]]>([
    ['ok/prepare passes the keys point only', [], 'prepare', ['afterKeys']],
    ['ok/intermediate passes the keys point only', [], 'intermediate', ['afterKeys']],
    ['ok/activate writes no keys: no point', ['prepare'], 'activate', []],
    ['ok/retire passes the store point only', ['prepare', 'activate'], 'retire', ['afterStore']],
    ['ok/renew writes no key file: no point', [], 'renew', []],
  ])('%s', async (_name, before, under, want) => {
    s = await initTempState();
    for (const b of before) await step(s, b);
    const seen: string[] = [];
    await step(s, under, {
      hooks: { afterKeys: () => seen.push('afterKeys'), afterStore: () => seen.push('afterStore') },
    });
    expect(seen).toEqual(want);
  });

  it('fail/a step stopped after its keys recorded nothing; the re-run moves the stray keys aside and completes', async () => {
    s = await initTempState();
    const before = await states(s, 'api');
    const keysBefore = readdirSync(statePath(s.dir, LAYOUT.keys));
    const stop = new Error('stopped at the keys point');
    expect(
      await rejection(
        step(s, 'prepare', {
          hooks: {
            afterKeys: () => {
              throw stop;
            },
          },
        }),
      ),
    ).toBe(stop);
    expect(await states(s, 'api')).toEqual(before);
    expect(await meta(s, 'api')).toEqual({ version: '1', hint: null, rotation: null });
    const stray = readdirSync(statePath(s.dir, LAYOUT.keys)).filter((f) => !keysBefore.includes(f));
    expect(stray).toHaveLength(1);

    const r = await step(s, 'prepare');
    expect(r.noop).toBe(false);
    expect(s.warnings).toEqual([
      `moved 2 key file(s) that no CA record names (left by an interrupted run) to ${LAYOUT.archive}/`,
    ]);
    expect(existsSync(statePath(s.dir, `${LAYOUT.archive}/unused-${stray[0]}`))).toBe(true);
  });

  it('fail/retire stopped after its transaction: records retired, keys in place; the re-run archives them and says so', async () => {
    s = await initTempState();
    const oldRoot = only(await s.withStore((st) => st.listCas({ serviceType: 'api' })), 'root', 'active');
    await step(s, 'prepare');
    await step(s, 'activate');
    const stop = new Error('stopped at the store point');
    expect(
      await rejection(
        step(s, 'retire', {
          hooks: {
            afterStore: () => {
              throw stop;
            },
          },
        }),
      ),
    ).toBe(stop);
    expect((await states(s, 'api'))[oldRoot.id]).toBe('root:retired');
    expect(existsSync(statePath(s.dir, oldRoot.keyRef))).toBe(true);

    const r = await step(s, 'retire');
    expect(r.noop).toBe(true);
    expect(r.message).toContain('archived 2 key file(s) left in place');
    expect(existsSync(statePath(s.dir, oldRoot.keyRef))).toBe(false);
  });
});

describe('state errors', () => {
  it('fail/NOT_INITIALIZED: a directory without a store', async () => {
    const t = tempDir();
    try {
      const err = await rejection(
        runRotationStep(
          { dir: t.dir, type: 'api', now: T0, force: false, kdf: FAST_KDF, warn: () => undefined },
          'ca.rotate.prepare',
          preparePhase,
        ),
      );
      expect([err.code, err.detail]).toEqual(['NOT_INITIALIZED', t.dir]);
    } finally {
      t.cleanup();
    }
  });

  it('fail/TRUST_DOMAIN_MISMATCH: the mesh file names another trust domain than the store', async () => {
    s = await initTempState();
    writeFileSync(statePath(s.dir, LAYOUT.mesh), 'trustDomain: other.test\ntypes:\n  api: {}\n');
    const err = await rejection(step(s, 'prepare'));
    expect([err.code, err.detail]).toEqual([
      'TRUST_DOMAIN_MISMATCH',
      `store has 'example.test', ${LAYOUT.mesh} has 'other.test'`,
    ]);
  });

  it.each<[string, StepName, (st: Store) => Promise<void>]>([
    ['fail/an unreadable rotation record', 'prepare', (st) => st.setMeta(rotationMetaKey('api'), '{not json')],
    [
      'fail/a rotation record of the wrong shape',
      'activate',
      (st) => st.setMeta(rotationMetaKey('api'), JSON.stringify({ phase: 'prepared' })),
    ],
    [
      'fail/a rotation record naming a CA that does not exist',
      'activate',
      (st) =>
        st.setMeta(
          rotationMetaKey('api'),
          JSON.stringify({
            phase: 'prepared',
            oldRootId: 'aa',
            newRootId: 'bb',
            newIntermediateId: 'cc',
            preparedVersion: 2,
          }),
        ),
    ],
  ])('%s: ROTATION_STATE_INVALID', async (_name, under, setup) => {
    s = await initTempState();
    await s.withStore(setup);
    expect((await rejection(step(s, under))).code).toBe('ROTATION_STATE_INVALID');
    expect(await lastAudit(s)).toEqual([STEPS[under].action, 'error', 'ROTATION_STATE_INVALID']);
  });
});
