/**
 * Rotation refuses when unsafe: activate waits for the affected sidecars (reports put in the
 * store as the signer's ReportStatus would), status names the laggards and the next step,
 * retire waits for live old leaves and recent fallbacks; --force overrides; every refusal is
 * audited as denied.
 */
import { join } from 'node:path';
import { cli, errorCode, tempDir } from './harness';
import { auditTrail, initMesh, issueLeaf, only, putReport, typeState } from './rotation-fixture';

jest.setTimeout(120_000);

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => {
  tmp = tempDir('tm-rot-safe-');
});
afterAll(() => tmp.cleanup());

interface StatusJson {
  bundleVersion: number;
  types: {
    serviceType: string;
    nextStep: string;
    adoption: { types: string[]; byVersion: Record<string, string[]>; stale: string[] };
    liveLeaves: Record<string, number>;
    fallbacks: { instanceId: string; peerType: string }[];
    renewBeforeUnix: number;
  }[];
}

function status(state: string): StatusJson['types'][number] & { bundleVersion: number } {
  const r = cli(['status', '--json', '--dir', state]);
  expect([r.code, errorCode(r.stderr)]).toEqual([0, undefined]);
  const s = JSON.parse(r.stdout) as StatusJson;
  return { ...s.types.find((t) => t.serviceType === 'db')!, bundleVersion: s.bundleVersion };
}

const rotate = (state: string, phase: string, ...extra: string[]): ReturnType<typeof cli> =>
  cli(['ca', 'rotate', 'db', '--root', '--phase', phase, '--dir', state, ...extra]);

describe('activate waits for the sidecars', () => {
  it('fail/ROTATION_NOT_SAFE names the laggards until every api and db sidecar reports the prepare version; web does not count', async () => {
    const state = join(tmp.dir, 'activate');
    initMesh(tmp.dir, state);
    for (const [type, id] of [
      ['api', 'api-1'],
      ['api', 'api-2'],
      ['db', 'db-1'],
      ['web', 'web-1'],
    ])
      await putReport(state, type!, id!, { bundleVersion: 1 });
    expect(rotate(state, 'prepare').code).toBe(0);

    const st = status(state);
    expect(st.bundleVersion).toBe(2);
    expect(st.adoption.types).toEqual(['api', 'db']); // web neither accepts nor dials db
    expect(st.adoption.byVersion).toEqual({ 1: ['api-1', 'api-2', 'db-1'] });
    expect(st.adoption.stale).toEqual(['api-1', 'api-2', 'db-1']);
    expect(st.nextStep).toBe(
      'prepare done: waiting for 3 sidecars (api-1, api-2, db-1) to load bundle v2 before activate',
    );

    const r1 = rotate(state, 'activate');
    expect([r1.code, errorCode(r1.stderr)]).toEqual([1, 'ROTATION_NOT_SAFE']);
    expect(r1.stderr).toContain('api-1 (v1), api-2 (v1), db-1 (v1)');
    expect(Object.values((await typeState(state, 'db')).states).sort()).toEqual([
      'intermediate:active',
      'intermediate:standby',
      'root:active',
      'root:incoming',
    ]);

    await putReport(state, 'api', 'api-1', { bundleVersion: 2 });
    await putReport(state, 'db', 'db-1', { bundleVersion: 2 });
    const r2 = rotate(state, 'activate');
    expect(errorCode(r2.stderr)).toBe('ROTATION_NOT_SAFE');
    expect(r2.stderr).toContain('api-2 (v1)');
    expect(r2.stderr).not.toContain('db-1');
    expect(status(state).nextStep).toContain('waiting for 1 sidecars (api-2)');
    // A threshold of 60% is met by 2 of 3.
    const r3 = rotate(state, 'activate', '--threshold', '60%');
    expect([r3.code, errorCode(r3.stderr)]).toEqual([0, undefined]);
    expect(await auditTrail(state, 'ca.rotate.activate')).toEqual([
      ['ca.rotate.activate', 'denied', 'ROTATION_NOT_SAFE'],
      ['ca.rotate.activate', 'denied', 'ROTATION_NOT_SAFE'],
      ['ca.rotate.activate', 'ok', undefined],
    ]);
  });

  it('ok/--force activates although sidecars lag (warning printed, audited as forced)', async () => {
    const state = join(tmp.dir, 'force');
    initMesh(tmp.dir, state);
    await putReport(state, 'db', 'db-1', { bundleVersion: 1 });
    expect(rotate(state, 'prepare').code).toBe(0);
    const r = rotate(state, 'activate', '--force', '--json');
    expect([r.code, errorCode(r.stderr)]).toEqual([0, undefined]);
    expect(r.stderr).toContain('--force: proceeding although 1 of 1 sidecars');
    expect((JSON.parse(r.stdout) as { forced: boolean }).forced).toBe(true);
  });
});

describe('retire waits for old leaves and fallbacks', () => {
  it('fail/ROTATION_NOT_SAFE while a leaf under the old root lives or a fallback is recent; --force retires', async () => {
    const state = join(tmp.dir, 'retire');
    initMesh(tmp.dir, state);
    const oldInter = only((await typeState(state, 'db')).cas, 'intermediate', 'active');
    const live = await issueLeaf(state, oldInter, 'db-1', { record: true });
    // An expired leaf of the old CA does not block.
    await issueLeaf(state, oldInter, 'db-0', { record: true, now: new Date(Date.now() - 7200_000), ttlSeconds: 60 });
    expect(rotate(state, 'prepare').code).toBe(0);
    expect(rotate(state, 'activate').code).toBe(0);

    const st = status(state);
    expect(st.liveLeaves).toEqual({ [oldInter.id]: 1 });
    expect(st.nextStep).toContain(
      `activate done: waiting before retire for 1 live leaf certificate(s) under the old CA (db-1; the last expires ${live.record.notAfter.toISOString()})`,
    );
    const r1 = rotate(state, 'retire');
    expect([r1.code, errorCode(r1.stderr)]).toEqual([1, 'ROTATION_NOT_SAFE']);
    expect(r1.stderr).toContain('1 live leaf certificate(s) under the old CA (db-1');

    // Fallbacks of api towards db in the last 10 minutes also block, and status names the peers.
    const nowUnix = Math.floor(Date.now() / 1000);
    await putReport(state, 'api', 'api-1', {
      bundleVersion: 3,
      fallbacks: [
        { peerType: 'db', peerAddress: '127.0.0.1:15002', kind: 'bundle-refresh', count: 2, lastAtUnix: nowUnix - 30 },
        {
          peerType: 'db',
          peerAddress: '127.0.0.1:15003',
          kind: 'bundle-refresh',
          count: 5,
          lastAtUnix: nowUnix - 3600,
        },
      ],
    });
    expect(status(state).fallbacks.map((f) => [f.instanceId, f.peerType])).toEqual([['api-1', 'db']]);
    const r2 = rotate(state, 'retire');
    expect(r2.stderr).toContain('recent fallbacks (api-1→db@127.0.0.1:15002)');

    const r3 = rotate(state, 'retire', '--force');
    expect([r3.code, errorCode(r3.stderr)]).toEqual([0, undefined]);
    expect(r3.stderr).toContain('--force: proceeding although');
    expect((await typeState(state, 'db')).states[oldInter.id]).toBe('intermediate:retired');
    expect(status(state).nextStep).toContain('steady');
    expect(await auditTrail(state, 'ca.rotate.retire')).toEqual([
      ['ca.rotate.retire', 'denied', 'ROTATION_NOT_SAFE'],
      ['ca.rotate.retire', 'denied', 'ROTATION_NOT_SAFE'],
      ['ca.rotate.retire', 'ok', undefined],
    ]);
  });
});

describe('status', () => {
  it('ok/human output names each type, its CAs, adoption and the next step; --watch --count draws N times', () => {
    const state = join(tmp.dir, 'status');
    initMesh(tmp.dir, state);
    const r = cli(['status', '--dir', state]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('bundle v1');
    expect(r.stdout).toMatch(/^api$/m);
    expect(r.stdout).toContain('next: steady');
    const w = cli(['status', '--dir', state, '--watch', '--count', '2', '--json']);
    expect(w.code).toBe(0);
    expect(
      w.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as StatusJson).bundleVersion),
    ).toEqual([1, 1]);
  });

  it.each([
    ['fail/--count without --watch', ['--count', '2'], '--count'],
    ['fail/--since not a duration', ['--since', 'soon'], '--since'],
  ])('%s is a usage error', (_n, args, flag) => {
    const r = cli(['status', '--dir', join(tmp.dir, 'status'), ...args]);
    expect([r.code, errorCode(r.stderr)]).toEqual([2, 'CONFIG_INVALID']);
    expect(r.stderr).toContain(flag);
  });
});
