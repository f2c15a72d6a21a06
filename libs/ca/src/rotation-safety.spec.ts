/** Table tests of the rotation safety rules (pure parts): who counts, thresholds, fallbacks, report parsing. */
import { parseMeshConfig } from '@trustmesh/policy';
import type { StatusReportRecord } from '@trustmesh/store';
import { adoption, affectedTypes, names, recentFallbacks, sidecarViews } from './rotation-safety';

const mesh = parseMeshConfig(`trustDomain: example.test
types:
  web: { dials: [api] }
  api: { accepts: [web], dials: [db] }
  db: { accepts: [api] }
  cron: {}
`);

const at = new Date('2026-11-24T06:00:00Z');
const unix = at.getTime() / 1000;

function rep(type: string, id: string, report: Record<string, unknown>): StatusReportRecord {
  return { serviceType: type, instanceId: id, receivedAt: at, report };
}

describe('affectedTypes', () => {
  it.each([
    ['ok/db: itself and api (api dials db)', 'db', ['api', 'db']],
    ['ok/api: itself, web (dials api) and db (accepts api)', 'api', ['api', 'db', 'web']],
    ['ok/cron: only itself', 'cron', ['cron']],
  ])('%s', (_n, type, want) => {
    expect(affectedTypes(mesh, type)).toEqual(want);
  });
});

describe('adoption', () => {
  const views = sidecarViews([
    rep('api', 'api-1', { bundleVersion: 3 }),
    rep('api', 'api-2', { bundleVersion: 2 }),
    rep('db', 'db-1', { bundleVersion: '4' }),
    rep('web', 'web-1', { bundleVersion: 1 }),
    rep('db', 'db-2', {}),
  ]);
  it.each([
    [
      'ok/100%: every one of 4 must be ready',
      1,
      3,
      { ok: false, required: 4, upToDate: ['api-1', 'db-1'], laggards: ['api-2', 'db-2'] },
    ],
    [
      'ok/50% of 4 is 2: met',
      0.5,
      3,
      { ok: true, required: 2, upToDate: ['api-1', 'db-1'], laggards: ['api-2', 'db-2'] },
    ],
    [
      'ok/51% of 4 rounds up to 3: not met',
      0.51,
      3,
      { ok: false, required: 3, upToDate: ['api-1', 'db-1'], laggards: ['api-2', 'db-2'] },
    ],
    [
      'ok/a lower version is met by more',
      1,
      2,
      { ok: false, required: 4, upToDate: ['api-1', 'api-2', 'db-1'], laggards: ['db-2'] },
    ],
  ])('%s', (_n, threshold, version, want) => {
    const a = adoption(views, ['api', 'db'], version, threshold);
    expect({
      ok: a.ok,
      required: a.required,
      upToDate: a.upToDate,
      laggards: a.laggards.map((l) => l.instanceId),
    }).toEqual(want);
    expect(a.total).toBe(4); // web does not count for db
  });

  it('ok/no sidecar of the types: vacuously ready', () => {
    expect(adoption(views, ['cron'], 9, 1)).toMatchObject({ ok: true, total: 0, required: 0 });
  });

  it('ok/100% of 3 needs all 3 (no floating point shortfall)', () => {
    const three = sidecarViews([
      rep('db', 'a', { bundleVersion: 5 }),
      rep('db', 'b', { bundleVersion: 5 }),
      rep('db', 'c', { bundleVersion: 4 }),
    ]);
    expect(adoption(three, ['db'], 5, 1).ok).toBe(false);
    expect(adoption(three, ['db'], 5, 2 / 3).ok).toBe(true);
  });
});

describe('sidecarViews and recentFallbacks', () => {
  it('fail/malformed report fields become null or empty, never a crash', () => {
    const [v] = sidecarViews([
      rep('db', 'db-1', { bundleVersion: -1, caId: 7, fallbacks: [null, 'x', { peerType: 'api', count: 'many' }] }),
    ]);
    expect(v).toMatchObject({ bundleVersion: null, caId: null });
    expect(v!.fallbacks).toHaveLength(1);
    expect(v!.fallbacks[0]).toMatchObject({ peerType: 'api', count: 0 });
  });

  it.each([
    ['ok/towards the type, recent', 'web', { peerType: 'api', count: 1, lastAtUnix: unix - 60 }, 'api', 1],
    [
      'ok/by the type itself (previous identity), recent',
      'api',
      { peerType: 'db', kind: 'previous-identity', count: 2, lastAtUnix: unix - 1 },
      'api',
      1,
    ],
    ['fail/too old', 'web', { peerType: 'api', count: 1, lastAtUnix: unix - 601 }, 'api', 0],
    ['fail/another type', 'web', { peerType: 'api', count: 1, lastAtUnix: unix }, 'db', 0],
    ['fail/zero count', 'web', { peerType: 'api', count: 0, lastAtUnix: unix }, 'api', 0],
  ])('%s', (_n, reporter, fallback, type, want) => {
    const views = sidecarViews([rep(reporter, `${reporter}-1`, { bundleVersion: 1, fallbacks: [fallback] })]);
    expect(recentFallbacks(views, type, new Date(at.getTime() - 600_000))).toHaveLength(want);
  });
});

describe('names', () => {
  it.each([
    ['ok/unique, in order', ['b', 'a', 'b'], 'b, a'],
    [
      'ok/more than 10 are summarized',
      Array.from({ length: 12 }, (_, i) => `s${i}`),
      's0, s1, s2, s3, s4, s5, s6, s7, s8, s9, +2 more',
    ],
  ])('%s', (_n, list, want) => {
    expect(names(list)).toBe(want);
  });
});
