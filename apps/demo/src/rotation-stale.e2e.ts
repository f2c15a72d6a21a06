/**
 * Issue 7, a sidecar with a stale bundle — real processes: db's sidecar is cut off from the signer
 * (a partition on its control-plane link only, see testing/signer-relay.ts) while api's root is
 * prepared, so its bundle lacks api's new root.
 *
 * Why this is faithful: db's sidecar keeps running and serving api's connections on the
 * certificate and bundle it holds, exactly as a sidecar on the far side of a network partition
 * would; its watch stream, renewals and status reports to the signer stall. Stopping the process
 * (SIGSTOP) would also stop its data plane, and a wrong signer address would keep it from ever
 * bootstrapping — neither is a stale bundle.
 *
 * Then: `status` names db-1 as the laggard; `activate` refuses (ROTATION_NOT_SAFE naming db-1);
 * `--force` activates anyway, api's sidecar renews under the new CA, db refuses that certificate
 * and api falls back to its previous, old-CA identity — traffic keeps flowing while that
 * certificate is valid; healed, db catches up and the fallbacks stop; the fallback is reported in
 * `status`. Second path on db's root: cut off again during prepare, activate refuses until db
 * catches up, then succeeds without --force.
 *
 * Lifetime 1 m so the cut-off sidecar's certificate and api's old-CA certificate outlive the
 * partition with margin (each phase below is bounded far inside it).
 */
import { SidecarWatch } from './sidecar-watch';
import { sleep, withMesh } from './testing/mesh-fixture';
import {
  errorCodeOf,
  issuingCaOf,
  onlyCa,
  caList,
  sidecarIdentity,
  tm,
  untilDone,
  withStore,
} from './testing/rotation-checks';
import { restartSidecarVia } from './testing/sidecar-restart';
import { SignerRelay } from './testing/signer-relay';
import { TrafficLoop } from './traffic';

jest.setTimeout(180_000);

const RATE = 100;

interface TypeStatusJson {
  serviceType: string;
  nextStep: string;
  adoption: { stale: string[] };
  fallbacks: { instanceId: string; peerType: string; kind: string; count: number }[];
}

async function typeStatus(state: string, type: string): Promise<TypeStatusJson & { bundleVersion: number }> {
  const r = await tm(['status', '--json', '--dir', state]);
  if (r.code !== 0) throw new Error(`status: ${r.stderr.trim()}`);
  const s = JSON.parse(r.stdout) as { bundleVersion: number; types: TypeStatusJson[] };
  const t = s.types.find((x) => x.serviceType === type);
  if (!t) throw new Error(`status has no type ${type}`);
  return { ...t, bundleVersion: s.bundleVersion };
}

/** Polls `check` every 500 ms until it returns a value. @throws Error naming `what` after `limitMs` */
async function waitFor<T>(check: () => Promise<T | undefined>, limitMs: number, what: string): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

describe('a sidecar cut off from the signer during prepare (child processes)', () => {
  it('ok/status names it, activate refuses until it catches up; --force keeps traffic flowing through fallback; zero failed requests', async () => {
    await withMesh({ leafTtl: '1m' }, async (mesh, died) => {
      const state = mesh.paths.state;
      const relay = await SignerRelay.start(mesh.ports.signer);
      const traffic = new TrafficLoop({ webPort: mesh.ports.web.svc, rate: RATE, probeEveryMs: 0, maxInFlight: 256 });
      const watch = new SidecarWatch({ web: mesh.ports.web.admin, api: mesh.ports.api.admin, db: mesh.ports.db.admin });
      const apiFallbacks = async (): Promise<number> => {
        await watch.poll();
        return watch.views.find((v) => v.name === 'api')?.fallbacks ?? -1;
      };
      try {
        await restartSidecarVia(mesh, 'db', relay.port);
        expect(relay.connections).toBeGreaterThan(0);
        traffic.start();
        await sleep(1000);

        // --- api's root, db cut off during prepare.
        relay.cutOff();
        expect((await tm(['ca', 'rotate', 'api', '--root', '--phase', 'prepare', '--dir', state])).code).toBe(0);
        const lagging = await waitFor(
          async () => {
            const st = await typeStatus(state, 'api');
            return st.adoption.stale.join(',') === 'db-1' ? st : undefined;
          },
          15_000,
          'web-1 and api-1 on the prepare bundle, db-1 not',
        );
        expect(lagging.nextStep).toContain('db-1');
        expect((await sidecarIdentity(mesh.ports.db.admin)).bundleVersion).toBeLessThan(lagging.bundleVersion);

        const refused = await tm([
          'ca',
          'rotate',
          'api',
          '--root',
          '--phase',
          'activate',
          '--window',
          '3s',
          '--dir',
          state,
        ]);
        expect([refused.code, errorCodeOf(refused.stderr)]).toEqual([1, 'ROTATION_NOT_SAFE']);
        expect(refused.stderr).toContain('db-1');

        // The fallback needs api's old-CA certificate valid for the rest of the partition: if it is
        // near its end, let api renew it first (still under the old CA).
        await waitFor(
          async () => (await sidecarIdentity(mesh.ports.api.admin)).secondsToExpiry >= 30 || undefined,
          40_000,
          "api's old-CA certificate to have 30 s left",
        );
        const oldApiCa = await issuingCaOf(state, (await sidecarIdentity(mesh.ports.api.admin)).serial);
        const fallbacksBefore = await apiFallbacks();
        const forced = await tm([
          'ca',
          'rotate',
          'api',
          '--root',
          '--phase',
          'activate',
          '--window',
          '3s',
          '--force',
          '--dir',
          state,
        ]);
        expect([forced.code, errorCodeOf(forced.stderr)]).toEqual([0, undefined]);
        expect(forced.stderr).toContain('--force: proceeding although');
        const newApiCa = onlyCa(await caList(state), 'api', 'intermediate', 'active').id;
        expect(newApiCa).not.toBe(oldApiCa);
        await waitFor(
          async () =>
            (await issuingCaOf(state, (await sidecarIdentity(mesh.ports.api.admin)).serial)) === newApiCa || undefined,
          15_000,
          "api's sidecar on the new CA",
        );
        // db (stale) refuses api's new certificate; api falls back to its old-CA identity.
        await waitFor(
          async () => (await apiFallbacks()) > fallbacksBefore || undefined,
          10_000,
          'a fallback counted by api',
        );
        await sleep(2000);
        expect({ failed: traffic.stats.failed, lastError: traffic.stats.lastError }).toEqual({
          failed: 0,
          lastError: undefined,
        });

        // Healed: db loads the current bundle, accepts api's new certificate, the fallbacks stop.
        relay.heal();
        const version = (await typeStatus(state, 'api')).bundleVersion;
        await waitFor(
          async () => (await sidecarIdentity(mesh.ports.db.admin)).bundleVersion === version || undefined,
          20_000,
          'db-1 to catch up',
        );
        await sleep(1000);
        const settled = await apiFallbacks();
        await sleep(3000);
        expect(await apiFallbacks()).toBe(settled);

        // --- db's root, db cut off during prepare again: activate waits until it catches up (no --force).
        await waitFor(
          async () => (await sidecarIdentity(mesh.ports.db.admin)).secondsToExpiry >= 30 || undefined,
          40_000,
          "db's certificate to have 30 s left",
        );
        relay.cutOff();
        expect((await tm(['ca', 'rotate', 'db', '--root', '--phase', 'prepare', '--dir', state])).code).toBe(0);
        // The prepare bundle reaches api, whose next report carries its fallbacks: status names them.
        const st = await waitFor(
          async () => {
            const s = await typeStatus(state, 'db');
            return s.adoption.stale.join(',') === 'db-1' && s.fallbacks.some((f) => f.instanceId === 'api-1')
              ? s
              : undefined;
          },
          15_000,
          'db-1 stale and api-1 fallback towards db in status',
        );
        expect(st.fallbacks.filter((f) => f.instanceId === 'api-1').map((f) => [f.peerType, f.kind])).toEqual([
          ['db', 'previous-identity'],
        ]);
        const r1 = await tm(['ca', 'rotate', 'db', '--root', '--phase', 'activate', '--window', '3s', '--dir', state]);
        expect([r1.code, errorCodeOf(r1.stderr)]).toEqual([1, 'ROTATION_NOT_SAFE']);
        expect(r1.stderr).toContain('db-1');
        relay.heal();
        const done = await untilDone(
          ['ca', 'rotate', 'db', '--root', '--phase', 'activate', '--window', '3s', '--dir', state],
          20_000,
        );
        expect(done.run.stderr).not.toContain('--force');
        await sleep(2000);
        process.stdout.write(
          `rotation-stale: api fallbacks ${fallbacksBefore} -> ${settled} during the forced activate; db activate ${done.refusals.length} refusal(s) after healing, ${done.ms} ms; ` +
            `${traffic.stats.ok} ok, ${traffic.stats.failed} failed, ${traffic.stats.skipped} skipped\n`,
        );
      } finally {
        await traffic.stop();
        await relay.close();
      }
      expect({ failed: traffic.stats.failed, lastError: traffic.stats.lastError }).toEqual({
        failed: 0,
        lastError: undefined,
      });
      expect(traffic.stats.ok).toBeGreaterThan(RATE * 10);
      expect(died).toEqual([]);
      // Audit: the forced activate says so; the refusals are recorded as denied.
      const activates = await withStore(state, async (s) =>
        (await s.listAudit())
          .filter((a) => a.action === 'ca.rotate.activate')
          .map((a) => [a.details?.serviceType, a.outcome, a.reason ?? null, a.details?.forced ?? null]),
      );
      expect(activates[0]).toEqual(['api', 'denied', 'ROTATION_NOT_SAFE', null]);
      expect(activates).toContainEqual(['api', 'ok', null, true]);
      expect(activates).toContainEqual(['db', 'denied', 'ROTATION_NOT_SAFE', null]);
      expect(activates[activates.length - 1]).toEqual(['db', 'ok', null, false]);
      expect((await tm(['audit', 'verify', '--dir', state])).code).toBe(0);
    });
  });
});
