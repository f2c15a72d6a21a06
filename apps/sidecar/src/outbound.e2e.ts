/**
 * Outbound route against real sockets: a `web` sidecar dials an `api` sidecar's inbound. Covers
 * the SPIFFE type check on the server, session resumption, and both fallbacks.
 */
import { spiffeId } from '@trustmesh/pki';
import { collect, dial, readBytes, startTcpServer, type TestServer } from './testing/net-helpers';
import { bundleOf, createTestCa, issueTestIdentity, TRUST_DOMAIN, type TestCa } from './testing/test-mesh';
import { startTestSidecar, type TestSidecar } from './testing/sidecar-fixture';
import type { Identity } from './identity/identity';
import type { TrustBundle } from './trust/trust-source';

const now = new Date();
let web: TestCa, api: TestCa, db: TestCa;
let echo: TestServer;
const started: TestSidecar[] = [];

beforeAll(async () => {
  [web, api, db] = ['web', 'api', 'db'].map((t) => createTestCa(t, now));
  echo = await startTcpServer();
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

afterAll(() => echo.close());

/** An `api` sidecar whose inbound accepts `web` and forwards to the echo server. */
async function apiSide(identity: Identity, bundle: TrustBundle): Promise<TestSidecar> {
  const s = await startTestSidecar({
    serviceType: 'api',
    yaml: `inbound:\n  - { name: http, listen: 127.0.0.1:0, forward: 127.0.0.1:${echo.port}, accept: [web] }`,
    identity,
    bundle,
  });
  started.push(s);
  return s;
}

/** A `web` sidecar whose outbound dials `port` expecting `peerType`. */
async function webSide(
  port: number,
  o: {
    identity: Identity | Identity[];
    bundle: TrustBundle;
    peerType?: string;
    fetchBundle?: () => Promise<TrustBundle>;
  },
): Promise<TestSidecar> {
  const s = await startTestSidecar({
    serviceType: 'web',
    yaml: `outbound:\n  - { name: api, listen: 127.0.0.1:0, connect: 127.0.0.1:${port}, peerType: ${o.peerType ?? 'api'} }`,
    identity: o.identity,
    bundle: o.bundle,
    fetchBundle: o.fetchBundle,
  });
  started.push(s);
  return s;
}

/** Sends `msg` through the web sidecar's outbound and returns the echo. */
async function roundTrip(side: TestSidecar, msg: string): Promise<string> {
  const s = await dial(side.ports.api);
  s.write(msg);
  const got = await readBytes(s, msg.length);
  s.end();
  await collect(s);
  return got.toString();
}

const fallbacks = (s: TestSidecar, kind: string) =>
  s.sidecar.metrics.get('trustmesh_sidecar_fallbacks_total', { route: 'api', kind });

describe('outbound', () => {
  it('ok/carries bytes over mTLS and checks the server names peerType', async () => {
    const b = await apiSide(issueTestIdentity(api, { now }), bundleOf(1, [api, web]));
    const a = await webSide(b.ports.http, {
      identity: issueTestIdentity(web, { now }),
      bundle: bundleOf(1, [api, web]),
    });
    expect(await roundTrip(a, 'over the mesh')).toBe('over the mesh');
    expect(a.events('peer_accepted').at(-1)).toMatchObject({
      route: 'api',
      peer: spiffeId(TRUST_DOMAIN, 'api', 'api-1'),
    });
    expect(b.events('peer_accepted').at(-1)).toMatchObject({ peer: spiffeId(TRUST_DOMAIN, 'web', 'web-1') });
  });

  it('ok/reconnects resume the TLS session', async () => {
    const b = await apiSide(issueTestIdentity(api, { now }), bundleOf(1, [api, web]));
    const a = await webSide(b.ports.http, {
      identity: issueTestIdentity(web, { now }),
      bundle: bundleOf(1, [api, web]),
    });
    for (let i = 0; i < 3; i += 1) expect(await roundTrip(a, `r${i}`)).toBe(`r${i}`);
    const resumed = a.events('peer_accepted').map((e) => e.resumed);
    expect(resumed[0]).toBe(false);
    expect(resumed.slice(1)).toContain(true);
    expect(
      b
        .events('peer_accepted')
        .map((e) => e.resumed)
        .slice(1),
    ).toContain(true);
  });

  it('fail/server of the right CA naming another type is refused (SPIFFE, not host names)', async () => {
    const forged = issueTestIdentity(api, { now, uri: spiffeId(TRUST_DOMAIN, 'db', 'db-1') });
    const b = await apiSide(forged, bundleOf(1, [api, web]));
    const a = await webSide(b.ports.http, {
      identity: issueTestIdentity(web, { now }),
      bundle: bundleOf(1, [api, web]),
    });
    const s = await dial(a.ports.api);
    s.write('secret');
    const out = await collect(s);
    expect(out.data.length).toBe(0);
    expect(a.events('peer_refused').at(-1)).toMatchObject({ reason: 'TYPE_NOT_ALLOWED' });
    expect(b.events('peer_accepted')).toHaveLength(0);
  });

  it('fail/server of another type is refused by the trust store (peerType db dials api)', async () => {
    const b = await apiSide(issueTestIdentity(api, { now }), bundleOf(1, [api, web]));
    const a = await webSide(b.ports.http, {
      identity: issueTestIdentity(web, { now }),
      bundle: bundleOf(1, [api, web, db]),
      peerType: 'db',
    });
    const out = await collect(await dial(a.ports.api));
    expect(out.data.length).toBe(0);
    expect(a.events('peer_refused').at(-1)).toMatchObject({ reason: 'CERT_UNTRUSTED' });
    expect(fallbacks(a, 'trust_refresh')).toBe(1); // one refresh was tried, then refused
  });

  it('ok/fallback: the peer refuses our newest certificate, the previous still-valid one works', async () => {
    const newWeb = createTestCa('web', now, 'new web');
    const b = await apiSide(issueTestIdentity(api, { now }), bundleOf(1, [api, web])); // knows only the old web root
    const old = issueTestIdentity(web, { now, instance: 'web-old' });
    const fresh = issueTestIdentity(newWeb, { now, instance: 'web-new' });
    const a = await webSide(b.ports.http, { identity: [old, fresh], bundle: bundleOf(1, [api]) });
    expect(a.sidecar.material.snapshot()?.identity.serialHex).toBe(fresh.serialHex);
    expect(await roundTrip(a, 'replayed after fallback')).toBe('replayed after fallback');
    expect(fallbacks(a, 'identity')).toBe(1);
    expect(a.events('peer_accepted').at(-1)).toMatchObject({ serial: old.serialHex });
    expect(b.events('peer_refused').at(-1)).toMatchObject({ reason: 'CERT_UNTRUSTED' });
  });

  it('fail/no older identity to fall back to: refused, counted once per refusal', async () => {
    const newWeb = createTestCa('web', now, 'new web');
    const b = await apiSide(issueTestIdentity(api, { now }), bundleOf(1, [api, web]));
    const a = await webSide(b.ports.http, { identity: issueTestIdentity(newWeb, { now }), bundle: bundleOf(1, [api]) });
    const s = await dial(a.ports.api);
    s.write('x');
    expect((await collect(s)).data.length).toBe(0);
    expect(a.events('peer_refused').at(-1)).toMatchObject({ reason: 'PEER_REJECTED' });
    expect(fallbacks(a, 'identity')).toBe(0);
  });

  it('ok/fallback: the server certificate does not verify, one trust refresh fixes it', async () => {
    const newApi = createTestCa('api', now, 'new api');
    const b = await apiSide(issueTestIdentity(newApi, { now }), bundleOf(1, [newApi, web]));
    let fetches = 0;
    const a = await webSide(b.ports.http, {
      identity: issueTestIdentity(web, { now }),
      bundle: bundleOf(1, [api]), // stale: only the old api root
      fetchBundle: async () => {
        fetches += 1;
        return bundleOf(2, [api, newApi]);
      },
    });
    expect(await roundTrip(a, 'after refresh')).toBe('after refresh');
    expect(fetches).toBe(1);
    expect(fallbacks(a, 'trust_refresh')).toBe(1);
    expect(a.sidecar.material.snapshot()?.bundleVersion).toBe(2);
  });

  it.each([
    ['fail/remote port closed', 'closed', 'CONNECT_FAILED'],
    ['fail/remote accepts TCP but never speaks TLS', 'silent', 'HANDSHAKE_TIMEOUT'],
  ])('%s', async (_name, kind, reason) => {
    const silent = await startTcpServer(() => undefined);
    const port = kind === 'silent' ? silent.port : 1;
    const a = await startTestSidecar({
      serviceType: 'web',
      yaml: `outbound:\n  - { name: api, listen: 127.0.0.1:0, connect: 127.0.0.1:${port}, peerType: api }\nlimits: { handshakeTimeout: 200ms, drainTimeout: 100ms }`,
      identity: issueTestIdentity(web, { now }),
      bundle: bundleOf(1, [api]),
    });
    started.push(a);
    try {
      const s = await dial(a.ports.api);
      s.write('x');
      expect((await collect(s)).data.length).toBe(0);
      expect(a.events('peer_refused').at(-1)).toMatchObject({ reason });
      expect(fallbacks(a, 'identity') + fallbacks(a, 'trust_refresh')).toBe(0);
    } finally {
      await silent.close();
    }
  });

  it('ok/accepted, then the remote service is down: a clean close, not a fallback', async () => {
    const b = await startTestSidecar({
      serviceType: 'api',
      yaml: 'inbound:\n  - { name: http, listen: 127.0.0.1:0, forward: 127.0.0.1:1, accept: [web] }',
      identity: issueTestIdentity(api, { now }),
      bundle: bundleOf(1, [api, web]),
    });
    started.push(b);
    const a = await webSide(b.ports.http, {
      identity: [
        issueTestIdentity(web, { now, instance: 'w-old' }),
        issueTestIdentity(web, { now, instance: 'w-new' }),
      ],
      bundle: bundleOf(1, [api]),
    });
    const s = await dial(a.ports.api);
    s.write('anyone?');
    const out = await collect(s);
    expect(out).toMatchObject({ ended: true, data: Buffer.alloc(0) });
    expect(fallbacks(a, 'identity')).toBe(0);
    expect(b.events('forward_failed')).toHaveLength(1);
  });
});
