import { X509Certificate } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { connect, isFailure, makeCsr, sign, type CallFailure } from './testing/client';
import { renew, startTestSigner, type TestSigner } from './testing/fixture';

// Both ways of running the CPU-bound part (main thread, worker thread) must behave the same.
// openssl verifying the issued chains: sign.openssl.e2e.ts.
describe.each([
  ['main thread', 0],
  ['1 CPU worker', 1],
])('signer: issuance (%s)', (_mode, cpuWorkers) => {
  let t: TestSigner;
  beforeAll(async () => {
    t = await startTestSigner({
      rateLimits: { perIdentity: { perSecond: 2, burst: 5 }, overall: { perSecond: 1000, burst: 1000 } },
      cpuWorkers,
    });
  }, 30_000);
  afterAll(() => t?.close());

  it('ok/obtain with a bootstrap token: SPIFFE ID and DNS from policy', async () => {
    const { res } = await t.obtain('api', 'a-1');
    expect(res.chain).toHaveLength(2);
    const leaf = new X509Certificate(res.chain[0] as Buffer);
    expect(leaf.subjectAltName).toContain('URI:spiffe://example.test/api/a-1');
    expect(leaf.subjectAltName).toContain('DNS:a-1.api.svc');
    expect(res.caId).toBe(t.state.cas.api!.intermediate.id);
    expect(res.notAfterUnix).toBe(Math.floor(t.clock.now.getTime() / 1000) + 3600);
    expect(res.bundleVersion).toBe(1);
    const issued = await t.state.store.listIssued({ serviceType: 'api' });
    expect(issued.map((r) => r.serialHex)).toContain(leaf.serialNumber.toLowerCase());
  });

  it('ok/renew over mTLS with the current certificate, same type and instance', async () => {
    const first = await t.obtain('db', 'd-1');
    const res = await renew(t, first.identity, 'db', 'd-1');
    expect(new X509Certificate(res.chain[0] as Buffer).serialNumber).not.toBe(
      new X509Certificate(first.res.chain[0] as Buffer).serialNumber,
    );
  });

  it('ok/spans: one per RPC with policy, authenticate, sign and store children', () => {
    const finished = t.spans.getFinishedSpans();
    const rpc = finished.find((s) => s.name === 'trustmesh.v1.CertificateAuthority/Sign' && s.status.code !== 2);
    expect(rpc).toBeDefined();
    const children = finished
      .filter((s) => s.parentSpanContext?.spanId === rpc!.spanContext().spanId)
      .map((s) => s.name)
      .sort();
    expect(children).toEqual(['authenticate', 'policy', 'sign', 'store']);
  });

  it('fail/renewal with an expired certificate', async () => {
    const { identity } = await t.obtain('api', 'e-1');
    const real = t.clock.now;
    t.clock.now = new Date(real.getTime() + 2 * 3600_000); // api leaves live 1 h
    const c = connect(t.signer.port, t.state.platformRootPem, identity);
    try {
      const r = await sign(c.ca, { csr: makeCsr().csr, serviceType: 'api', instanceId: 'e-1' });
      expect(isFailure(r) ? { code: r.code, reason: r.reason } : 'success').toEqual({
        code: status.UNAUTHENTICATED,
        reason: 'CHAIN_EXPIRED',
      });
    } finally {
      t.clock.now = real;
      c.close();
    }
  });

  it('fail/one caller flooding is rate-limited while others are still served', async () => {
    const c = connect(t.signer.port, t.state.platformRootPem);
    try {
      const results = await Promise.all(
        Array.from({ length: 12 }, () => sign(c.ca, { csr: makeCsr().csr, serviceType: 'api', instanceId: 'flood' })),
      );
      const limited = results.filter((r): r is CallFailure => isFailure(r) && r.reason === 'RATE_LIMITED');
      expect(limited.length).toBeGreaterThanOrEqual(5);
      expect(limited[0]).toMatchObject({ code: status.RESOURCE_EXHAUSTED });
      expect(Number(limited[0]!.retryAfterMs)).toBeGreaterThan(0);
      const other = await t.obtain('api', 'not-flooding');
      expect(other.res.chain).toHaveLength(2);
    } finally {
      c.close();
    }
  });

  it('ok/audit verifies after the mixed run, with allowed and denied decisions', async () => {
    const result = await t.state.store.verifyAudit();
    expect(result).toMatchObject({ ok: true });
    const signs = (await t.state.store.listAudit({ limit: 10_000 })).filter((r) => r.action === 'sign');
    expect(signs.some((r) => r.outcome === 'allowed' && r.details?.auth === 'token')).toBe(true);
    expect(signs.some((r) => r.outcome === 'allowed' && r.details?.auth === 'mtls')).toBe(true);
    const reasons = new Set(signs.filter((r) => r.outcome === 'denied').map((r) => r.reason));
    expect([...reasons].sort()).toEqual(['AUTH_REQUIRED', 'CHAIN_EXPIRED', 'RATE_LIMITED']);
  });
});
