/**
 * The model behind `trustmesh status` on a real state directory: per type its CAs, rotation,
 * hint, adoption, live leaves, fallbacks and the next step — judged by the same checks the
 * rotation steps use to refuse.
 */
import type { Store } from '@trustmesh/store';
import { fleetStatus, type TypeStatus } from './fleet-status';
import { activatePhase, preparePhase } from './rotate-root';
import { initTempState, T0, type TempState } from './testing/temp-state';

const prepare = (s: TempState): Promise<unknown> => s.run('api', 'ca.rotate.prepare', preparePhase);
const activate = (s: TempState): Promise<unknown> =>
  s.run('api', 'ca.rotate.activate', (ctx) => activatePhase(ctx, { windowSeconds: 600, threshold: 1 }));
const report = (st: Store, type: string, id: string, r: Record<string, unknown>): Promise<void> =>
  st.putStatusReport({ instanceId: id, serviceType: type, receivedAt: T0, report: r });

async function statusOf(s: TempState, type: string): Promise<TypeStatus> {
  const all = await s.withStore((st) => fleetStatus(st, s.mesh, T0, 600));
  const t = all.types.find((x) => x.serviceType === type);
  if (!t) throw new Error(`no status for ${type}`);
  return t;
}

let s: TempState | undefined;
afterEach(() => s?.cleanup());

describe('fleetStatus: the next step', () => {
  it.each<[string, (s: TempState) => Promise<unknown>, string]>([
    [
      'ok/steady: no rotation in progress',
      async () => undefined,
      'steady: no root rotation in progress (start one with `trustmesh ca rotate api --root --phase prepare`)',
    ],
    [
      'ok/prepared, nobody reported: activate',
      prepare,
      'prepare done: no sidecar of api, db, web has reported (nothing to wait for): run `trustmesh ca rotate api --root --phase activate`',
    ],
    [
      'ok/prepared, every concerned sidecar ready: activate',
      async (t) => {
        await prepare(t);
        await t.withStore((st) => report(st, 'web', 'web-1', { bundleVersion: 2 }));
      },
      'prepare done: all 1 sidecars hold bundle v2: run `trustmesh ca rotate api --root --phase activate`',
    ],
    [
      'ok/prepared, a laggard: wait',
      async (t) => {
        await prepare(t);
        await t.withStore(async (st) => {
          await report(st, 'web', 'web-1', { bundleVersion: 2 });
          await report(st, 'db', 'db-1', { bundleVersion: 1 });
        });
      },
      'prepare done: waiting for 1 sidecars (db-1) to load bundle v2 before activate',
    ],
    [
      'ok/activated, nothing depends on the old root: retire',
      async (t) => {
        await prepare(t);
        await activate(t);
      },
      'activate done: nothing depends on the old root any more: run `trustmesh ca rotate api --root --phase retire`',
    ],
    [
      'ok/activated, a sidecar on the old CA: wait',
      async (t) => {
        const old = (await t.withStore((st) => st.listCas({ serviceType: 'api', role: 'intermediate' })))[0]!;
        await prepare(t);
        await activate(t);
        await t.withStore((st) => report(st, 'api', 'api-1', { bundleVersion: 3, caId: old.id }));
      },
      'activate done: waiting before retire for sidecars still on the old CA (api-1)',
    ],
  ])('%s', async (_name, setup, want) => {
    s = await initTempState();
    await setup(s);
    expect((await statusOf(s, 'api')).nextStep).toBe(want);
  });
});

describe('fleetStatus: the facts', () => {
  it('ok/bundle version, rotation, hint, adoption, stale sidecars, live leaves and fallbacks', async () => {
    s = await initTempState();
    await prepare(s);
    await activate(s);
    const inter = (
      await s.withStore((st) => st.listCas({ serviceType: 'api', role: 'intermediate', state: 'active' }))
    )[0]!;
    await s.withStore(async (st) => {
      await report(st, 'api', 'api-1', { bundleVersion: 3, caId: inter.id });
      await report(st, 'web', 'web-1', {
        bundleVersion: 2,
        fallbacks: [
          {
            peerType: 'api',
            peerAddress: '127.0.0.1:1',
            kind: 'peer-untrusted',
            count: 2,
            lastAtUnix: T0.getTime() / 1000 - 5,
          },
        ],
      });
      await report(st, 'cron', 'cron-1', {});
      for (const serial of ['0a', '0b']) {
        await st.recordIssued({
          serialHex: serial,
          serviceType: 'api',
          instanceId: `api-${serial}`,
          spiffeId: `spiffe://example.test/api/api-${serial}`,
          sans: { dns: [], uris: [], ips: [] },
          caId: inter.id,
          notBefore: T0,
          notAfter: new Date(T0.getTime() + 60_000),
          spkiPin: 'pin',
          issuedAt: T0,
        });
      }
    });
    const all = await s.withStore((st) => fleetStatus(st, s!.mesh, T0, 600));
    expect([all.at, all.bundleVersion, all.sinceSeconds, all.types.map((t) => t.serviceType)]).toEqual([
      T0.toISOString(),
      3,
      600,
      ['api', 'cron', 'db', 'web'],
    ]);
    const api = all.types[0]!;
    expect(api.rotation?.phase).toBe('activated');
    expect(api.renewBeforeUnix).toBe(T0.getTime() / 1000 + 600);
    expect(api.cas.map((c) => `${c.role}:${c.state}`).sort()).toEqual([
      'intermediate:active',
      'intermediate:standby',
      'root:active',
      'root:retiring',
    ]);
    expect(api.adoption).toEqual({
      types: ['api', 'db', 'web'],
      byVersion: { 3: ['api-1'], 2: ['web-1'] },
      stale: ['web-1'],
    });
    expect(api.liveLeaves).toEqual({ [inter.id]: 2 });
    expect(api.fallbacks).toEqual([
      {
        instanceId: 'web-1',
        reporterType: 'web',
        peerType: 'api',
        peerAddress: '127.0.0.1:1',
        kind: 'peer-untrusted',
        count: 2,
        lastAt: new Date(T0.getTime() - 5000).toISOString(),
      },
    ]);
    const cron = all.types[1]!;
    expect([cron.rotation, cron.renewBeforeUnix, cron.adoption.byVersion, cron.adoption.stale]).toEqual([
      null,
      0,
      { none: ['cron-1'] },
      ['cron-1'],
    ]);
  });
});
