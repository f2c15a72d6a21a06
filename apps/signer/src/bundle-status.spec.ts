import { X509Certificate } from 'node:crypto';
import { status, type ClientReadableStream } from '@grpc/grpc-js';
import { META, renewBeforeMetaKey } from '@trustmesh/ca';
import { AnchorState, HealthCheckResponse_ServingStatus, type TrustBundle } from '@trustmesh/proto';
import { connect, getBundle, isFailure, makeCsr, report, sign, type CallFailure } from './testing/client';
import { startTestSigner, type TestSigner } from './testing/fixture';
import { addCaSet } from './testing/state';

let t: TestSigner;
beforeAll(async () => {
  t = await startTestSigner({
    maxWatchStreams: 3,
    rateLimits: { perIdentity: { perSecond: 2, burst: 5 }, overall: { perSecond: 1000, burst: 1000 } },
  });
}, 30_000);
afterAll(() => t?.close());

describe('signer: trust bundle, status, health, admin', () => {
  it('ok/get bundle: roots per type with states; unknown type refused', async () => {
    const c = connect(t.signer.port, t.state.platformRootPem);
    try {
      const b = (await getBundle(c.ca, { serviceTypes: ['api', 'db'] })) as TrustBundle;
      expect(b.types.map((t) => t.serviceType)).toEqual(['api', 'db']);
      expect(b.types[0]!.anchors).toEqual([
        { caId: t.state.cas.api!.root.id, certificate: t.state.cas.api!.root.der, state: AnchorState.ACTIVE },
      ]);
      const bad = (await getBundle(c.ca, { serviceTypes: ['nope'] })) as CallFailure;
      expect({ code: bad.code, reason: bad.reason }).toEqual({ code: status.INVALID_ARGUMENT, reason: 'TYPE_UNKNOWN' });
    } finally {
      c.close();
    }
  });

  it('ok/a watch stream receives a bundle change made in the store (as the CLI would)', async () => {
    const c = connect(t.signer.port, t.state.platformRootPem);
    const received: TrustBundle[] = [];
    const stream: ClientReadableStream<TrustBundle> = c.ca.watchTrustBundle({ serviceTypes: ['web'] });
    stream.on('error', () => undefined);
    const waitFor = (n: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timeout waiting for bundle ${n}`)), 5000);
        const check = (): void => {
          if (received.length >= n) {
            clearTimeout(t);
            resolve();
          }
        };
        stream.on('data', (b: TrustBundle) => {
          received.push(b);
          check();
        });
        check();
      });
    try {
      await waitFor(1);
      expect(received[0]!.version).toBe(1);
      expect(t.signer.watchStreams).toBe(1);
      const next = await addCaSet({ dir: t.state.dir, store: t.state.store }, 'web', {
        now: t.clock.now,
        rootState: 'incoming',
        intermediateState: 'standby',
      });
      await t.state.store.setMeta(META.bundleVersion, '2');
      await t.state.store.setMeta(renewBeforeMetaKey('web'), String(Math.floor(t.clock.now.getTime() / 1000) + 600));
      await waitFor(2); // the signer's own 100 ms poll picks it up
      const latest = received[received.length - 1]!;
      expect(latest.version).toBe(2);
      expect(latest.renewBeforeUnix).toBe(0); // the hint goes only to web's own certificates (bundle-hint.spec)
      expect(latest.types[0]!.anchors.map((a) => [a.caId, a.state]).sort()).toEqual(
        [
          [t.state.cas.web!.root.id, AnchorState.ACTIVE],
          [next.root.id, AnchorState.INCOMING],
        ].sort(),
      );
    } finally {
      stream.cancel();
      c.close();
    }
    const deadline = Date.now() + 3000;
    while (t.signer.watchStreams > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(t.signer.watchStreams).toBe(0);
  });

  it('fail/watch streams beyond the bound are refused', async () => {
    const c = connect(t.signer.port, t.state.platformRootPem);
    const streams = Array.from({ length: 4 }, () => c.ca.watchTrustBundle({ serviceTypes: [] }));
    try {
      const errors = await Promise.all(
        streams.map(
          (s) =>
            new Promise<{ code: number; reason?: string } | null>((resolve) => {
              s.on('data', () => resolve(null));
              s.on('error', (e: { code: number; metadata?: { get(k: string): unknown[] } }) =>
                resolve({ code: e.code, reason: String(e.metadata?.get('trustmesh-reason')[0]) }),
              );
            }),
        ),
      );
      const refused = errors.filter((e) => e !== null && e.code !== status.CANCELLED);
      expect(refused).toEqual([{ code: status.RESOURCE_EXHAUSTED, reason: 'STREAM_LIMIT' }]);
    } finally {
      streams.forEach((s) => s.cancel());
      c.close();
    }
  });

  it('ok/report status over mTLS stores the latest report; fail/without or with another identity', async () => {
    const { identity, res } = await t.obtain('db', 'r-1');
    const serial = new X509Certificate(res.chain[0] as Buffer).serialNumber.toLowerCase();
    const c = connect(t.signer.port, t.state.platformRootPem, identity);
    const anon = connect(t.signer.port, t.state.platformRootPem);
    try {
      const ack = await report(c.ca, {
        instanceId: 'r-1',
        serviceType: 'db',
        serialHex: serial,
        caId: res.caId,
        bundleVersion: 1,
        fallbacks: [
          { peerType: 'api', peerAddress: '127.0.0.1:1', kind: 'previous-identity', count: 2, lastAtUnix: 1 },
        ],
      });
      expect(isFailure(ack)).toBe(false);
      await report(c.ca, { instanceId: 'r-1', serviceType: 'db', serialHex: serial, caId: res.caId, bundleVersion: 2 });
      const stored = (await t.state.store.listStatusReports({ serviceType: 'db' })).filter(
        (r) => r.instanceId === 'r-1',
      );
      expect(stored).toHaveLength(1);
      expect(stored[0]!.report).toMatchObject({ serialHex: serial, bundleVersion: 2 });

      const noCert = (await report(anon.ca, { instanceId: 'r-1', serviceType: 'db' })) as CallFailure;
      expect({ code: noCert.code, reason: noCert.reason }).toEqual({
        code: status.UNAUTHENTICATED,
        reason: 'AUTH_REQUIRED',
      });
      const other = (await report(c.ca, { instanceId: 'r-2', serviceType: 'db' })) as CallFailure;
      expect({ code: other.code, reason: other.reason }).toEqual({
        code: status.PERMISSION_DENIED,
        reason: 'PEER_IDENTITY_MISMATCH',
      });
    } finally {
      c.close();
      anon.close();
    }
  });

  it('ok/grpc health: SERVING for the server and the CA service; fail/unknown service is NOT_FOUND', async () => {
    const c = connect(t.signer.port, t.state.platformRootPem);
    const check = (service: string): Promise<{ code?: number; status?: number }> =>
      new Promise((resolve) =>
        c.health.check({ service }, (err, res) => resolve(err ? { code: err.code } : { status: res?.status })),
      );
    try {
      expect(await check('')).toEqual({ status: HealthCheckResponse_ServingStatus.SERVING });
      expect(await check('trustmesh.v1.CertificateAuthority')).toEqual({
        status: HealthCheckResponse_ServingStatus.SERVING,
      });
      expect(await check('nope')).toEqual({ code: status.NOT_FOUND });
    } finally {
      c.close();
    }
  });

  it('ok/admin http: healthz, readyz and Prometheus metrics from OpenTelemetry', async () => {
    await t.obtain('api', 'm-1');
    const c = connect(t.signer.port, t.state.platformRootPem);
    await sign(c.ca, { csr: makeCsr().csr, serviceType: 'api', instanceId: 'm-2' }); // denied: no token, no certificate
    c.close();
    const base = `http://127.0.0.1:${t.signer.adminPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/trustmesh_certificates_issued_total\{[^}]*type="api"[^}]*outcome="issued"[^}]*\} \d+/);
    expect(metrics).toMatch(
      /trustmesh_certificates_issued_total\{[^}]*outcome="denied"[^}]*reason="AUTH_REQUIRED"[^}]*\} \d+/,
    );
    expect(metrics).toContain('trustmesh_signing_duration_seconds_bucket');
    expect(metrics).toContain('trustmesh_watch_streams');
    // No labels recorded, none exported (libs/telemetry leaves out the otel_scope_* labels).
    expect(metrics).toMatch(/^trustmesh_bundle_version \d+$/m);
  });
});
