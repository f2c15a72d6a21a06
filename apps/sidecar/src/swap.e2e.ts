/**
 * Hot swap of TLS material on live listeners: open connections keep working, new ones get the
 * new certificate and the new trust, and a rebuild that fails keeps the last good state.
 */
import { X509Certificate } from 'node:crypto';
import { IdentityStore } from './identity/identity-source';
import type { Identity } from './identity/identity';
import { collect, dial, readBytes, startTcpServer, type TestServer } from './testing/net-helpers';
import { bundleOf, createTestCa, issueTestIdentity, type TestCa } from './testing/test-mesh';
import { startTestSidecar, type TestSidecar } from './testing/sidecar-fixture';
import { tlsDial } from './testing/tls-client';

const now = new Date();
let web: TestCa, api: TestCa, newWeb: TestCa, newApi: TestCa;
let echo: TestServer;
const started: TestSidecar[] = [];

beforeAll(async () => {
  [web, api] = ['web', 'api'].map((t) => createTestCa(t, now));
  newWeb = createTestCa('web', now, 'new web');
  newApi = createTestCa('api', now, 'new api');
  echo = await startTcpServer();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});
afterAll(() => echo.close());

async function apiSide(identity: Identity): Promise<TestSidecar> {
  const s = await startTestSidecar({
    serviceType: 'api',
    yaml: `inbound:\n  - { name: http, listen: 127.0.0.1:0, forward: 127.0.0.1:${echo.port}, accept: [web] }`,
    identity,
    bundle: bundleOf(1, [web, api]),
  });
  started.push(s);
  return s;
}

async function echoOnce(s: import('node:net').Socket, msg: string): Promise<string> {
  s.write(msg);
  return (await readBytes(s, msg.length)).toString();
}

const serialOf = (s: import('node:tls').TLSSocket) => s.getPeerCertificate().serialNumber.toLowerCase();

describe('TLS material swap', () => {
  it('ok/inbound: a long-lived connection survives identity and trust swaps; new ones see the new state', async () => {
    const first = issueTestIdentity(api, { now });
    const b = await apiSide(first);
    const oldPeer = issueTestIdentity(web, { now, instance: 'web-old' });
    const roots = [api.root, newApi.root];
    const long = await tlsDial(b.ports.http, { identity: oldPeer, roots });
    expect(serialOf(long)).toBe(first.serialHex);
    expect(await echoOnce(long, 'before')).toBe('before');

    // Renewal: a new leaf from a new CA, then a bundle that trusts only the new web root.
    const second = issueTestIdentity(newApi, { now });
    b.identities.set(second);
    b.trust.set(bundleOf(2, [newWeb, newApi]));
    expect(b.sidecar.material.snapshot()).toMatchObject({
      bundleVersion: 2,
      identity: { serialHex: second.serialHex },
    });

    expect(await echoOnce(long, 'after the swap')).toBe('after the swap');
    const fresh = await tlsDial(b.ports.http, { identity: issueTestIdentity(newWeb, { now }), roots });
    expect(serialOf(fresh)).toBe(second.serialHex);
    expect(await echoOnce(fresh, 'new')).toBe('new');
    const stale = await tlsDial(b.ports.http, { identity: oldPeer, roots });
    stale.write('refused');
    expect((await collect(stale)).data.length).toBe(0);
    expect(b.events('peer_refused').at(-1)).toMatchObject({
      reason: 'CERT_UNTRUSTED',
      claimed: 'spiffe://example.test/web/web-old',
    });
    expect(await echoOnce(long, 'still')).toBe('still');
    for (const s of [long, fresh]) s.end();
  });

  it('ok/outbound: new connections use the new identity and do not resume the old session', async () => {
    const b = await apiSide(issueTestIdentity(api, { now }));
    const a = await startTestSidecar({
      serviceType: 'web',
      yaml: `outbound:\n  - { name: api, listen: 127.0.0.1:0, connect: 127.0.0.1:${b.ports.http}, peerType: api }`,
      identity: issueTestIdentity(web, { now, instance: 'w-1' }),
      bundle: bundleOf(1, [api]),
    });
    started.push(a);
    const long = await dial(a.ports.api);
    expect(await echoOnce(long, 'one')).toBe('one');
    const renewed = issueTestIdentity(web, { now, instance: 'w-1' });
    a.identities.set(renewed);
    expect(await echoOnce(long, 'two')).toBe('two');
    const next = await dial(a.ports.api);
    expect(await echoOnce(next, 'three')).toBe('three');
    expect(b.events('peer_accepted').at(-1)).toMatchObject({ serial: renewed.serialHex, resumed: false });
    for (const s of [long, next]) s.end();
  });

  it('fail/a rebuild that fails keeps the last good contexts', async () => {
    const b = await apiSide(issueTestIdentity(api, { now }));
    const before = b.sidecar.material.snapshot();
    // A pair whose key does not match its certificate: only the TLS layer can notice.
    const good = issueTestIdentity(api, { now });
    const broken: Identity = { ...good, keyPem: issueTestIdentity(api, { now }).keyPem };
    (b.identities as IdentityStore).set(broken);
    expect(b.sidecar.material.snapshot()).toBe(before);
    expect(b.sidecar.metrics.get('trustmesh_sidecar_tls_rebuilds_total', { outcome: 'failed' })).toBe(1);
    const s = await tlsDial(b.ports.http, { identity: issueTestIdentity(web, { now }), roots: [api.root] });
    expect(new X509Certificate(s.getPeerCertificate().raw).serialNumber.toLowerCase()).toBe(before?.identity.serialHex);
    expect(await echoOnce(s, 'kept')).toBe('kept');
    s.end();
  });

  it('fail/an accepted type without roots in the bundle trusts nothing (never the public store)', async () => {
    const b = await startTestSidecar({
      serviceType: 'api',
      yaml: `inbound:\n  - { name: http, listen: 127.0.0.1:0, forward: 127.0.0.1:${echo.port}, accept: [web] }`,
      identity: issueTestIdentity(api, { now }),
      bundle: bundleOf(1, [api]), // no web roots at all
    });
    started.push(b);
    expect(b.sidecar.material.snapshot()?.inbound.get('web')?.ca).toEqual([]);
    const s = await tlsDial(b.ports.http, { identity: issueTestIdentity(web, { now }), roots: [api.root] });
    s.write('x');
    expect((await collect(s)).data.length).toBe(0);
    expect(b.events('peer_refused').at(-1)).toMatchObject({ reason: 'CERT_UNTRUSTED' });
  });
});
