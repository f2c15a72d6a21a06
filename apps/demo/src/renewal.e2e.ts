/**
 * Renewals under continuous traffic, then the signer killed during traffic — real processes.
 *
 * Lifetime 10 s (the shortest the policy allows): the signer backdates a leaf by at most a tenth of its lifetime, so each
 * certificate spans about 11 s and its sidecar renews at 2/3 of that (±10 %): about every 7 s.
 */
import { httpStatus } from './mesh';
import { SidecarWatch } from './sidecar-watch';
import { sleep, withMesh } from './testing/mesh-fixture';
import { TrafficLoop } from './traffic';

jest.setTimeout(90_000);

const RATE = 100;

function watchOf(ports: { web: { admin: number }; api: { admin: number }; db: { admin: number } }): SidecarWatch {
  return new SidecarWatch({
    'web-sidecar': ports.web.admin,
    'api-sidecar': ports.api.admin,
    'db-sidecar': ports.db.admin,
  });
}

describe('renewals and signer outage under traffic (child processes)', () => {
  it('ok/lifetime 10 s under 100 req/s: every sidecar renews at least 3 times, zero failed requests', async () => {
    await withMesh({ leafTtl: '10s' }, async (mesh, died) => {
      const traffic = new TrafficLoop({ webPort: mesh.ports.web.svc, rate: RATE, probeEveryMs: 0 });
      const watch = watchOf(mesh.ports);
      await watch.poll();
      traffic.start();
      const deadline = Date.now() + 50_000;
      try {
        const fewest = (): number => Math.min(...watch.views.map((v) => v.renewals));
        while (fewest() < 3 && Date.now() < deadline) {
          await sleep(500);
          await watch.poll();
        }
        await sleep(1000); // traffic keeps flowing on the renewed identities
      } finally {
        await traffic.stop();
      }
      for (const v of watch.views)
        expect({ sidecar: v.name, renewals: v.renewals >= 3 }).toEqual({ sidecar: v.name, renewals: true });
      expect(traffic.stats.failed).toBe(0);
      expect(traffic.stats.lastError).toBeUndefined();
      expect(traffic.stats.ok).toBeGreaterThan(RATE * 10);
      expect(died).toEqual([]);
    });
  });

  it('ok/signer killed during traffic: traffic keeps flowing, sidecars stay ready, renewals resume when it returns', async () => {
    await withMesh({ leafTtl: '1m' }, async (mesh, died) => {
      const traffic = new TrafficLoop({ webPort: mesh.ports.web.svc, rate: RATE, probeEveryMs: 0 });
      const watch = watchOf(mesh.ports);
      await watch.poll();
      traffic.start();
      try {
        await sleep(2000);
        await mesh.children.kill('signer');
        await watch.poll();
        const okAtKill = traffic.stats.ok;
        const renewalsAtKill = watch.renewals;
        for (let i = 0; i < 12; i++) {
          await sleep(1000);
          for (const port of [mesh.ports.web.admin, mesh.ports.api.admin, mesh.ports.db.admin])
            expect(await httpStatus(port, '/readyz')).toBe(200);
        }
        await watch.poll();
        // Nothing renewed while the signer was down, yet requests kept succeeding.
        expect(watch.renewals).toBe(renewalsAtKill);
        expect(traffic.stats.ok - okAtKill).toBeGreaterThan(RATE * 8);
        expect(traffic.stats.failed).toBe(0);

        await mesh.restartSigner();
        const back = watch.renewals;
        const deadline = Date.now() + 35_000;
        while (watch.renewals === back && Date.now() < deadline) {
          await sleep(500);
          await watch.poll();
        }
        expect(watch.renewals).toBeGreaterThan(back);
      } finally {
        await traffic.stop();
      }
      expect(traffic.stats.failed).toBe(0);
      expect(died).toEqual([]);
    });
  });
});
