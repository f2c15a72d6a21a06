/**
 * Issue 7 under load — real processes: the demo mesh (signer, three sidecars, web → api → db)
 * with 200 requests/s flowing while db's intermediate, db's root (prepare → activate → retire)
 * and api's root are rotated through the real CLI. Zero failed requests; at the end every sidecar
 * holds a certificate of its type's new CA, the old roots are in no bundle, and the audit log has
 * every step and verifies.
 *
 * Lifetime 10 s and `--window 5s` keep it short: after activate every sidecar of the type renews
 * within 5 s, and retire is refused only until the last old-CA leaf (≤ 11 s) has expired.
 */
import { SidecarWatch } from './sidecar-watch';
import { sleep, withMesh } from './testing/mesh-fixture';
import {
  auditTrail,
  bundleAnchors,
  caList,
  errorCodeOf,
  issuingCaOf,
  onlyCa,
  sidecarIdentity,
  tm,
  trustBundle,
  untilDone,
  type StepDone,
} from './testing/rotation-checks';
import { TrafficLoop } from './traffic';

jest.setTimeout(180_000);

const RATE = 200;
const SERVICES = ['web', 'api', 'db'] as const;
/** Bound of one refusable step (activate: until the reports arrive; retire: until old leaves expire). */
const STEP_LIMIT_MS = 40_000;

describe('rotation under 200 req/s (child processes)', () => {
  it('ok/db intermediate, db root and api root rotated with zero failed requests; new CAs everywhere, old roots gone, audit complete', async () => {
    await withMesh({ leafTtl: '10s' }, async (mesh, died) => {
      const state = mesh.paths.state;
      const admin = { web: mesh.ports.web.admin, api: mesh.ports.api.admin, db: mesh.ports.db.admin };
      const watch = new SidecarWatch({ web: admin.web, api: admin.api, db: admin.db });
      const before = await caList(state);
      const oldRoots = {
        db: onlyCa(before, 'db', 'root', 'active').id,
        api: onlyCa(before, 'api', 'root', 'active').id,
      };
      const webInter = onlyCa(before, 'web', 'intermediate', 'active').id;
      // A wider in-flight cap than the demo's 64: on this shared 2-core box a CPU stall of a few hundred
      // ms must delay requests, not drop them (a skipped request would lower the achieved rate).
      const traffic = new TrafficLoop({ webPort: mesh.ports.web.svc, rate: RATE, probeEveryMs: 0, maxInFlight: 256 });
      const steps: Record<string, StepDone> = {};
      const t0 = Date.now();
      traffic.start(t0);
      let elapsedMs = 0;
      try {
        await sleep(2000);
        // 1. db's intermediate: the signer issues from it at once; db's sidecar moves over at its next renewal.
        const inter = await tm(['ca', 'rotate', 'db', '--intermediate', '--json', '--dir', state]);
        expect([inter.code, errorCodeOf(inter.stderr)]).toEqual([0, undefined]);
        const interId = (JSON.parse(inter.stdout) as { intermediateId: string }).intermediateId;
        expect(typeof interId).toBe('string');
        await waitFor(
          async () => (await issuingCaOf(state, (await sidecarIdentity(admin.db)).serial)) === interId,
          20_000,
          'db sidecar on the new intermediate',
        );

        // 2. db's root, then 3. api's root: prepare → activate (refused until every affected sidecar
        // reports the prepare bundle) → retire (refused until no old-CA leaf is valid).
        for (const type of ['db', 'api'] as const) {
          const base = ['ca', 'rotate', type, '--root', '--dir', state, '--phase'];
          steps[`${type} prepare`] = await untilDone([...base, 'prepare'], 0);
          steps[`${type} activate`] = await untilDone([...base, 'activate', '--window', '5s'], STEP_LIMIT_MS);
          steps[`${type} retire`] = await untilDone([...base, 'retire', '--since', '10s'], STEP_LIMIT_MS);
        }
        await sleep(2000); // traffic keeps flowing on the final identities
        await watch.poll();
      } finally {
        await traffic.stop();
        elapsedMs = Date.now() - t0;
      }

      const achieved = traffic.stats.ok / (elapsedMs / 1000);
      const lat = traffic.takeLatencies().sort((a, b) => a - b);
      const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? -1;
      // Reported figures (the brief asks for the achieved rate and the phase durations).
      process.stdout.write(
        `rotation-load: ${traffic.stats.ok} ok, ${traffic.stats.failed} failed, ${traffic.stats.skipped} skipped in ${(elapsedMs / 1000).toFixed(1)} s = ${achieved.toFixed(1)} req/s; ` +
          `latency p50 ${pct(0.5)} ms p99 ${pct(0.99)} ms max ${pct(1)} ms; ` +
          `steps ${Object.entries(steps)
            .map(([k, v]) => `${k} ${v.ms} ms/${v.refusals.length} refused`)
            .join(', ')}; fallbacks ${watch.views.map((v) => `${v.name}=${v.fallbacks}`).join(' ')}\n`,
      );
      expect({ failed: traffic.stats.failed, lastError: traffic.stats.lastError }).toEqual({
        failed: 0,
        lastError: undefined,
      });
      expect(achieved).toBeGreaterThanOrEqual(RATE * 0.95);
      expect(died).toEqual([]);
      // The safe path needs no safety net: every peer had the new root before any certificate under it.
      expect(watch.views.map((v) => [v.name, v.fallbacks])).toEqual([
        ['web', 0],
        ['api', 0],
        ['db', 0],
      ]);

      // New CAs everywhere: db and api have a new active root whose active intermediate issued their sidecars' certificates.
      const after = await caList(state);
      const expected: Record<string, string> = { web: webInter };
      for (const type of ['db', 'api'] as const) {
        const root = onlyCa(after, type, 'root', 'active');
        expect(root.id).not.toBe(oldRoots[type]);
        expect(after.find((c) => c.id === oldRoots[type])?.state).toBe('retired');
        const issuing = onlyCa(after, type, 'intermediate', 'active');
        expect(issuing.parentId).toBe(root.id);
        expected[type] = issuing.id;
      }
      const bundle = await trustBundle(mesh.ports.signer, mesh.paths.platformRoot);
      for (const s of SERVICES) {
        const id = await sidecarIdentity(admin[s]);
        expect({ sidecar: s, ca: await issuingCaOf(state, id.serial), bundleVersion: id.bundleVersion }).toEqual({
          sidecar: s,
          ca: expected[s],
          bundleVersion: bundle.version,
        });
        // The sidecar's view of its issuer names the same intermediate as `ca list`.
        expect(id.issuer).toContain(
          after
            .find((c) => c.id === expected[s])
            ?.subject.replace(/^.*CN=/, '')
            .split(/[,\n]/)[0],
        );
      }
      // Old roots gone from the bundle every sidecar holds (same version as the signer's).
      const anchors = bundleAnchors(bundle);
      expect(anchors.db).toEqual([onlyCa(after, 'db', 'root', 'active').id]);
      expect(anchors.api).toEqual([onlyCa(after, 'api', 'root', 'active').id]);

      // The audit log records every step and verifies.
      const verify = await tm(['audit', 'verify', '--json', '--dir', state]);
      expect(verify.code).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
      const okSteps = (await auditTrail(state, 'ca.rotate.')).filter((l) => l.split(' ')[1] === 'ok');
      expect(okSteps).toEqual([
        'ca.rotate.intermediate ok - db',
        'ca.rotate.prepare ok - db',
        'ca.rotate.activate ok - db',
        'ca.rotate.retire ok - db',
        'ca.rotate.prepare ok - api',
        'ca.rotate.activate ok - api',
        'ca.rotate.retire ok - api',
      ]);
      // Every refusal the steps waited out is in the log too, as denied.
      const denied = (await auditTrail(state, 'ca.rotate.')).filter((l) => l.split(' ')[1] === 'denied');
      expect(denied.length).toBe(Object.values(steps).reduce((n, s) => n + s.refusals.length, 0));
      expect(denied.every((l) => l.includes(' ROTATION_NOT_SAFE '))).toBe(true);
    });
  });
});

/** Polls `check` every 500 ms until true. @throws Error naming `what` after `limitMs` */
async function waitFor(check: () => Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}
