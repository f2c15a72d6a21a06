import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ClientReadableStream } from '@grpc/grpc-js';
import { readKeyFile } from '@trustmesh/keystore';
import { createLeafIssuer, generateKeyPair, pemEncode } from '@trustmesh/pki';
import { AnchorState, HealthCheckResponse_ServingStatus, type SignResponse, type TrustBundle } from '@trustmesh/proto';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createTelemetry, type Telemetry } from '@trustmesh/telemetry';
import { createSigner, type Signer } from './index';
import { connect, getBundle, isFailure, makeCsr, report, sign, type CallFailure, type ClientIdentity } from './testing/client';
import { addCaSet, createTestState, createToken, TEST_PASSPHRASE, type TestState } from './testing/state';

let clock = new Date();
let state: TestState;
let signer: Signer;
let telemetry: Telemetry;
const spans = new InMemorySpanExporter();
const tmp = mkdtempSync(join(tmpdir(), 'tm-signer-pem-'));

beforeAll(async () => {
  state = await createTestState({ now: clock });
  telemetry = createTelemetry({ serviceName: 'signer-test', spanExporters: [spans] });
  signer = await createSigner({
    store: state.store,
    mesh: state.mesh,
    loadKey: (keyRef) => readKeyFile(join(state.dir, keyRef), TEST_PASSPHRASE),
    now: () => clock,
    listen: { host: '127.0.0.1', port: 0 },
    adminListen: { host: '127.0.0.1', port: 0 },
    telemetry,
    options: {
      pollIntervalMs: 100,
      keepaliveMs: 60_000,
      maxWatchStreams: 3,
      rateLimits: { perIdentity: { perSecond: 2, burst: 5 }, overall: { perSecond: 1000, burst: 1000 } },
    },
  });
}, 30_000);

afterAll(async () => {
  await signer?.close(1000);
  await telemetry?.shutdown();
  await state?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function expectOk(r: SignResponse | CallFailure): SignResponse {
  if (isFailure(r)) throw new Error(`expected success, got ${r.code} ${r.reason} ${r.details}`);
  return r;
}

/** First issuance with a fresh token; returns the identity usable for mTLS. */
async function obtain(serviceType: string, instanceId: string): Promise<{ res: SignResponse; identity: ClientIdentity }> {
  const token = await createToken(state.store, { serviceType, instanceId, now: clock });
  const { key, csr } = makeCsr();
  const c = connect(signer.port, state.platformRootPem);
  try {
    const res = expectOk(await sign(c.ca, { csr, serviceType, instanceId, bootstrapToken: token.secret }));
    return { res, identity: { key, chain: res.chain } };
  } finally {
    c.close();
  }
}

function opensslVerify(chain: Buffer[], rootDer: Buffer): string {
  const root = join(tmp, 'root.pem');
  const untrusted = join(tmp, 'inter.pem');
  const leaf = join(tmp, 'leaf.pem');
  writeFileSync(root, pemEncode('CERTIFICATE', rootDer));
  writeFileSync(untrusted, chain.slice(1).map((d) => pemEncode('CERTIFICATE', d)).join(''));
  writeFileSync(leaf, pemEncode('CERTIFICATE', chain[0] as Buffer));
  return execFileSync('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', root, '-untrusted', untrusted, leaf], { encoding: 'utf8' }).trim();
}

describe('signer: issuance', () => {
  it('ok/obtain with a bootstrap token: chain verifies with openssl, SPIFFE ID and DNS from policy', async () => {
    const { res } = await obtain('api', 'a-1');
    expect(res.chain).toHaveLength(2);
    expect(opensslVerify(res.chain, state.cas.api!.root.der)).toMatch(/: OK$/);
    const leaf = new X509Certificate(res.chain[0] as Buffer);
    expect(leaf.subjectAltName).toContain('URI:spiffe://example.test/api/a-1');
    expect(leaf.subjectAltName).toContain('DNS:a-1.api.svc');
    expect(res.caId).toBe(state.cas.api!.intermediate.id);
    expect(res.notAfterUnix).toBe(Math.floor(clock.getTime() / 1000) + 3600);
    expect(res.bundleVersion).toBe(1);
    const issued = await state.store.listIssued({ serviceType: 'api' });
    expect(issued.map((r) => r.serialHex)).toContain(leaf.serialNumber.toLowerCase());
  });

  it('ok/renew over mTLS with the current certificate, same type and instance', async () => {
    const first = await obtain('db', 'd-1');
    const c = connect(signer.port, state.platformRootPem, first.identity);
    try {
      const { csr } = makeCsr();
      const res = expectOk(await sign(c.ca, { csr, serviceType: 'db', instanceId: 'd-1' }));
      expect(opensslVerify(res.chain, state.cas.db!.root.der)).toMatch(/: OK$/);
      expect(new X509Certificate(res.chain[0] as Buffer).serialNumber).not.toBe(new X509Certificate(first.res.chain[0] as Buffer).serialNumber);
    } finally {
      c.close();
    }
  });

  it('ok/spans: one per RPC with policy, authenticate, sign and store children', async () => {
    const finished = spans.getFinishedSpans();
    const rpc = finished.find((s) => s.name === 'trustmesh.v1.CertificateAuthority/Sign' && s.status.code !== 2);
    expect(rpc).toBeDefined();
    const children = finished.filter((s) => s.parentSpanContext?.spanId === rpc!.spanContext().spanId).map((s) => s.name).sort();
    expect(children).toEqual(['authenticate', 'policy', 'sign', 'store']);
  });
});

describe('signer: bad input', () => {
  const C = status;
  type Case = [string, () => Promise<{ req: Parameters<typeof sign>[1]; identity?: ClientIdentity }>, number, string | undefined];
  const tokenFor = async (serviceType: string, instanceId: string | null, extra: { now?: Date } = {}): Promise<string> =>
    (await createToken(state.store, { serviceType, instanceId, now: extra.now ?? clock })).secret;
  const csr = (): Buffer => makeCsr().csr;

  const cases: Case[] = [
    ['fail/garbage bytes as CSR', async () => ({ req: { csr: Buffer.from('this is not a CSR at all'), serviceType: 'api', instanceId: 'b-1' } }), C.INVALID_ARGUMENT, 'DER_MALFORMED'],
    ['fail/CSR with a bad signature', async () => {
      const bad = Buffer.from(csr());
      bad[bad.length - 5] ^= 0xff;
      return { req: { csr: bad, serviceType: 'api', instanceId: 'b-2', bootstrapToken: await tokenFor('api', 'b-2') } };
    }, C.INVALID_ARGUMENT, 'CSR_SIGNATURE_INVALID'],
    ['fail/DNS SAN outside the templates', async () => ({
      req: { csr: makeCsr({ sans: { dns: ['evil.example.com'] } }).csr, serviceType: 'api', instanceId: 'b-3', bootstrapToken: await tokenFor('api', 'b-3') },
    }), C.PERMISSION_DENIED, 'SAN_NOT_ALLOWED'],
    ['fail/URI SAN of another type', async () => ({
      req: { csr: makeCsr({ sans: { uris: ['spiffe://example.test/db/b-4'] } }).csr, serviceType: 'api', instanceId: 'b-4', bootstrapToken: await tokenFor('api', 'b-4') },
    }), C.PERMISSION_DENIED, 'URI_SAN_MISMATCH'],
    ['fail/URI SAN of another trust domain', async () => ({
      req: { csr: makeCsr({ sans: { uris: ['spiffe://other.test/api/b-5'] } }).csr, serviceType: 'api', instanceId: 'b-5', bootstrapToken: await tokenFor('api', 'b-5') },
    }), C.PERMISSION_DENIED, 'URI_SAN_MISMATCH'],
    ['fail/CSR asking for CA:true', async () => ({ req: { csr: opensslCsr(['-addext', 'basicConstraints=CA:TRUE']), serviceType: 'api', instanceId: 'b-6' } }), C.PERMISSION_DENIED, 'CA_REQUESTED'],
    ['fail/CSR with an extra extension', async () => ({ req: { csr: opensslCsr(['-addext', 'nsComment=hello']), serviceType: 'api', instanceId: 'b-7' } }), C.PERMISSION_DENIED, 'EXTENSION_NOT_ALLOWED'],
    ['fail/weak RSA key', async () => ({ req: { csr: opensslCsr([], 'rsa:1024'), serviceType: 'api', instanceId: 'b-8' } }), C.INVALID_ARGUMENT, 'KEY_TOO_WEAK'],
    ['fail/RSA key not allowed by the type', async () => ({ req: { csr: opensslCsr([], 'rsa:2048'), serviceType: 'api', instanceId: 'b-9' } }), C.PERMISSION_DENIED, 'KEY_TYPE_NOT_ALLOWED'],
    ['fail/unsupported key (secp256k1)', async () => ({ req: { csr: opensslCsr([], 'ec', ['-pkeyopt', 'ec_paramgen_curve:secp256k1']), serviceType: 'api', instanceId: 'b-10' } }), C.INVALID_ARGUMENT, 'KEY_TYPE_UNSUPPORTED'],
    ['fail/token reused', async () => {
      const secret = await tokenFor('api', 'b-11');
      const c = connect(signer.port, state.platformRootPem);
      expectOk(await sign(c.ca, { csr: csr(), serviceType: 'api', instanceId: 'b-11', bootstrapToken: secret }));
      c.close();
      return { req: { csr: csr(), serviceType: 'api', instanceId: 'b-11', bootstrapToken: secret } };
    }, C.UNAUTHENTICATED, 'TOKEN_USED'],
    ['fail/token expired', async () => ({
      req: { csr: csr(), serviceType: 'api', instanceId: 'b-12', bootstrapToken: await tokenFor('api', 'b-12', { now: new Date(clock.getTime() - 7200_000) }) },
    }), C.UNAUTHENTICATED, 'TOKEN_EXPIRED'],
    ['fail/token revoked', async () => {
      const t = await createToken(state.store, { serviceType: 'api', instanceId: 'b-13', now: clock });
      await state.store.revokeToken(t.id, clock);
      return { req: { csr: csr(), serviceType: 'api', instanceId: 'b-13', bootstrapToken: t.secret } };
    }, C.UNAUTHENTICATED, 'TOKEN_REVOKED'],
    ['fail/token for another type', async () => ({ req: { csr: csr(), serviceType: 'api', instanceId: 'b-14', bootstrapToken: await tokenFor('db', null) } }), C.PERMISSION_DENIED, 'TOKEN_WRONG_TYPE'],
    ['fail/token for another instance', async () => ({ req: { csr: csr(), serviceType: 'api', instanceId: 'b-15', bootstrapToken: await tokenFor('api', 'b-99') } }), C.PERMISSION_DENIED, 'TOKEN_WRONG_INSTANCE'],
    ['fail/unknown token', async () => ({ req: { csr: csr(), serviceType: 'api', instanceId: 'b-16', bootstrapToken: 'tmb_not-a-real-token' } }), C.UNAUTHENTICATED, 'TOKEN_UNKNOWN'],
    ['fail/no token and no client certificate', async () => ({ req: { csr: csr(), serviceType: 'api', instanceId: 'b-17' } }), C.UNAUTHENTICATED, 'AUTH_REQUIRED'],
    ['fail/renewal with a certificate of another type', async () => {
      const other = await obtain('db', 'b-18');
      return { req: { csr: csr(), serviceType: 'api', instanceId: 'b-18' }, identity: other.identity };
    }, C.PERMISSION_DENIED, 'PEER_IDENTITY_MISMATCH'],
    ['fail/renewal for another instance of the same type', async () => {
      const other = await obtain('api', 'b-19');
      return { req: { csr: csr(), serviceType: 'api', instanceId: 'b-20' }, identity: other.identity };
    }, C.PERMISSION_DENIED, 'PEER_IDENTITY_MISMATCH'],
    // The transport verifies client certificates against the mesh roots and hands only verified
    // ones to the handler, so a foreign one arrives as "no certificate".
    ['fail/renewal with a certificate from a foreign CA', async () => {
      const foreign = await addCaSet({ dir: tmp, store: null }, 'api', { now: clock });
      const keys = generateKeyPair();
      const leaf = createLeafIssuer({ caCertificate: foreign.intermediate.der, caPrivateKey: foreign.intermediate.key }).issue({
        publicKey: keys.publicKey, sans: { uris: ['spiffe://example.test/api/b-21'] }, now: clock, ttlSeconds: 3600,
      });
      return { req: { csr: csr(), serviceType: 'api', instanceId: 'b-21' }, identity: { key: keys.privateKey, chain: [leaf.der, foreign.intermediate.der] } };
    }, C.UNAUTHENTICATED, 'AUTH_REQUIRED'],
    ['fail/a 10 MB request (transport limit, before any handler)', async () => ({ req: { csr: Buffer.alloc(10 * 1024 * 1024, 1), serviceType: 'api', instanceId: 'b-22' } }), C.RESOURCE_EXHAUSTED, undefined],
    ['fail/missing csr', async () => ({ req: { serviceType: 'api', instanceId: 'b-23' } }), C.INVALID_ARGUMENT, 'FIELD_MISSING'],
    ['fail/missing service type', async () => ({ req: { csr: csr(), instanceId: 'b-24' } }), C.INVALID_ARGUMENT, 'FIELD_MISSING'],
    ['fail/missing instance id', async () => ({ req: { csr: csr(), serviceType: 'api' } }), C.INVALID_ARGUMENT, 'FIELD_MISSING'],
    ['fail/unknown service type', async () => ({ req: { csr: csr(), serviceType: 'billing', instanceId: 'b-25' } }), C.INVALID_ARGUMENT, 'TYPE_UNKNOWN'],
    ['fail/reserved type platform', async () => ({ req: { csr: csr(), serviceType: 'platform', instanceId: 'signer' } }), C.INVALID_ARGUMENT, 'TYPE_UNKNOWN'],
    ['fail/instance id ../x', async () => ({ req: { csr: csr(), serviceType: 'api', instanceId: '../x' } }), C.INVALID_ARGUMENT, 'INSTANCE_ID_INVALID'],
    ['fail/instance id with spaces', async () => ({ req: { csr: csr(), serviceType: 'api', instanceId: 'a b' } }), C.INVALID_ARGUMENT, 'INSTANCE_ID_INVALID'],
    ['fail/instance id 300 characters long', async () => ({ req: { csr: csr(), serviceType: 'api', instanceId: 'x'.repeat(300) } }), C.INVALID_ARGUMENT, 'INSTANCE_ID_INVALID'],
  ];

  it.each(cases)('%s', async (_name, build, code, reason) => {
    const { req, identity } = await build();
    const c = connect(signer.port, state.platformRootPem, identity);
    try {
      const r = await sign(c.ca, req);
      expect(isFailure(r) ? { code: r.code, reason: r.reason } : 'success').toEqual({ code, reason });
    } finally {
      c.close();
    }
  }, 15_000);

  it('fail/renewal with an expired certificate', async () => {
    const { identity } = await obtain('api', 'b-30');
    const real = clock;
    clock = new Date(real.getTime() + 2 * 3600_000); // api leaves live 1 h
    const c = connect(signer.port, state.platformRootPem, identity);
    try {
      const r = await sign(c.ca, { csr: makeCsr().csr, serviceType: 'api', instanceId: 'b-30' });
      expect(isFailure(r) ? { code: r.code, reason: r.reason } : 'success').toEqual({ code: status.UNAUTHENTICATED, reason: 'CHAIN_EXPIRED' });
    } finally {
      clock = real;
      c.close();
    }
  });

  it('fail/one caller flooding is rate-limited while others are still served', async () => {
    const c = connect(signer.port, state.platformRootPem);
    try {
      const results = await Promise.all(Array.from({ length: 12 }, () => sign(c.ca, { csr: makeCsr().csr, serviceType: 'api', instanceId: 'flood' })));
      const limited = results.filter((r): r is CallFailure => isFailure(r) && r.reason === 'RATE_LIMITED');
      expect(limited.length).toBeGreaterThanOrEqual(5);
      expect(limited[0]).toMatchObject({ code: status.RESOURCE_EXHAUSTED });
      expect(Number(limited[0]!.retryAfterMs)).toBeGreaterThan(0);
      const other = await obtain('api', 'not-flooding');
      expect(other.res.chain).toHaveLength(2);
    } finally {
      c.close();
    }
  });
});

describe('signer: trust bundle, status, health, admin', () => {
  it('ok/get bundle: roots per type with states; unknown type refused', async () => {
    const c = connect(signer.port, state.platformRootPem);
    try {
      const b = (await getBundle(c.ca, { serviceTypes: ['api', 'db'] })) as TrustBundle;
      expect(b.types.map((t) => t.serviceType)).toEqual(['api', 'db']);
      expect(b.types[0]!.anchors).toEqual([{ caId: state.cas.api!.root.id, certificate: state.cas.api!.root.der, state: AnchorState.ACTIVE }]);
      const bad = (await getBundle(c.ca, { serviceTypes: ['nope'] })) as CallFailure;
      expect({ code: bad.code, reason: bad.reason }).toEqual({ code: status.INVALID_ARGUMENT, reason: 'TYPE_UNKNOWN' });
    } finally {
      c.close();
    }
  });

  it('ok/a watch stream receives a bundle change made in the store (as the CLI would)', async () => {
    const c = connect(signer.port, state.platformRootPem);
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
      expect(signer.watchStreams).toBe(1);
      const next = await addCaSet({ dir: state.dir, store: state.store }, 'web', { now: clock, rootState: 'incoming', intermediateState: 'standby' });
      await state.store.setMeta('bundle_version', '2');
      await state.store.setMeta('renew_before_unix', String(Math.floor(clock.getTime() / 1000) + 600));
      await waitFor(2); // the signer's own 100 ms poll picks it up
      const latest = received[received.length - 1]!;
      expect(latest.version).toBe(2);
      expect(latest.renewBeforeUnix).toBeGreaterThan(0);
      expect(latest.types[0]!.anchors.map((a) => [a.caId, a.state]).sort()).toEqual(
        [[state.cas.web!.root.id, AnchorState.ACTIVE], [next.root.id, AnchorState.INCOMING]].sort(),
      );
    } finally {
      stream.cancel();
      c.close();
    }
    const deadline = Date.now() + 3000;
    while (signer.watchStreams > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(signer.watchStreams).toBe(0);
  });

  it('fail/watch streams beyond the bound are refused', async () => {
    const c = connect(signer.port, state.platformRootPem);
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
    const { identity, res } = await obtain('db', 'r-1');
    const serial = new X509Certificate(res.chain[0] as Buffer).serialNumber.toLowerCase();
    const c = connect(signer.port, state.platformRootPem, identity);
    const anon = connect(signer.port, state.platformRootPem);
    try {
      const ack = await report(c.ca, { instanceId: 'r-1', serviceType: 'db', serialHex: serial, caId: res.caId, bundleVersion: 1, fallbacks: [{ peerType: 'api', peerAddress: '127.0.0.1:1', kind: 'previous-identity', count: 2, lastAtUnix: 1 }] });
      expect(isFailure(ack)).toBe(false);
      await report(c.ca, { instanceId: 'r-1', serviceType: 'db', serialHex: serial, caId: res.caId, bundleVersion: 2 });
      const stored = (await state.store.listStatusReports({ serviceType: 'db' })).filter((r) => r.instanceId === 'r-1');
      expect(stored).toHaveLength(1);
      expect(stored[0]!.report).toMatchObject({ serialHex: serial, bundleVersion: 2 });

      const noCert = (await report(anon.ca, { instanceId: 'r-1', serviceType: 'db' })) as CallFailure;
      expect({ code: noCert.code, reason: noCert.reason }).toEqual({ code: status.UNAUTHENTICATED, reason: 'AUTH_REQUIRED' });
      const other = (await report(c.ca, { instanceId: 'r-2', serviceType: 'db' })) as CallFailure;
      expect({ code: other.code, reason: other.reason }).toEqual({ code: status.PERMISSION_DENIED, reason: 'PEER_IDENTITY_MISMATCH' });
    } finally {
      c.close();
      anon.close();
    }
  });

  it('ok/grpc health: SERVING for the server and the CA service; fail/unknown service is NOT_FOUND', async () => {
    const c = connect(signer.port, state.platformRootPem);
    const check = (service: string): Promise<{ code?: number; status?: number }> =>
      new Promise((resolve) => c.health.check({ service }, (err, res) => resolve(err ? { code: err.code } : { status: res?.status })));
    try {
      expect(await check('')).toEqual({ status: HealthCheckResponse_ServingStatus.SERVING });
      expect(await check('trustmesh.v1.CertificateAuthority')).toEqual({ status: HealthCheckResponse_ServingStatus.SERVING });
      expect(await check('nope')).toEqual({ code: status.NOT_FOUND });
    } finally {
      c.close();
    }
  });

  it('ok/admin http: healthz, readyz and Prometheus metrics from OpenTelemetry', async () => {
    const base = `http://127.0.0.1:${signer.adminPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/trustmesh_certificates_issued_total\{[^}]*type="api"[^}]*outcome="issued"[^}]*\} \d+/);
    expect(metrics).toMatch(/trustmesh_certificates_issued_total\{[^}]*outcome="denied"[^}]*reason="RATE_LIMITED"[^}]*\} \d+/);
    expect(metrics).toContain('trustmesh_signing_duration_seconds_bucket');
    expect(metrics).toContain('trustmesh_watch_streams');
  });

  it('ok/audit verifies after the mixed run, with allowed and denied decisions', async () => {
    const result = await state.store.verifyAudit();
    expect(result.ok).toBe(true);
    const records = await state.store.listAudit({ limit: 10_000 });
    const signs = records.filter((r) => r.action === 'sign');
    expect(signs.some((r) => r.outcome === 'allowed')).toBe(true);
    const reasons = new Set(signs.filter((r) => r.outcome === 'denied').map((r) => r.reason));
    for (const reason of ['TOKEN_USED', 'SAN_NOT_ALLOWED', 'CHAIN_EXPIRED', 'PEER_IDENTITY_MISMATCH', 'RATE_LIMITED', 'INSTANCE_ID_INVALID']) expect(reasons).toContain(reason);
  });
});

/** A DER CSR made by the openssl CLI (for what our own builder refuses to make). */
function opensslCsr(extra: string[], newkey = 'ec', keyopts: string[] = ['-pkeyopt', 'ec_paramgen_curve:P-256']): Buffer {
  const keyFile = join(tmp, `k-${Math.random().toString(36).slice(2)}.pem`);
  if (newkey === 'ec') execFileSync('openssl', ['genpkey', '-algorithm', 'EC', ...keyopts, '-out', keyFile], { stdio: 'pipe' });
  else execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${newkey.split(':')[1]}`, '-out', keyFile], { stdio: 'pipe' });
  return execFileSync('openssl', ['req', '-new', '-key', keyFile, '-subj', '/CN=test', '-outform', 'DER', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
}
