/**
 * Inbound route against real sockets: who gets in, who is refused and why, and what happens to
 * bad input. Certificates are minted per run with libs/pki.
 */
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { collect, dial, readBytes, startTcpServer, waitFor, type TestServer } from './testing/net-helpers';
import { bundleOf, createTestCa, issueTestIdentity, TRUST_DOMAIN, type TestCa } from './testing/test-mesh';
import { startTestSidecar, type TestSidecar } from './testing/sidecar-fixture';
import { tlsDial } from './testing/tls-client';

const now = new Date();
let db: TestCa, api: TestCa, web: TestCa, foreignApi: TestCa;
let echo: TestServer;
let side: TestSidecar;

beforeAll(async () => {
  [db, api, web] = ['db', 'api', 'web'].map((t) => createTestCa(t, now));
  foreignApi = createTestCa('api', now, 'foreign api');
  echo = await startTcpServer();
  side = await startTestSidecar({
    serviceType: 'db',
    yaml: [
      'inbound:',
      `  - { name: sql, listen: 127.0.0.1:0, forward: 127.0.0.1:${echo.port}, accept: [api] }`,
      '  - { name: down, listen: 127.0.0.1:0, forward: 127.0.0.1:1, accept: [api] }',
      'limits: { handshakeTimeout: 300ms, maxConnections: 50, drainTimeout: 200ms }',
    ].join('\n'),
    identity: issueTestIdentity(db, { now, instance: 'db-1' }),
    bundle: bundleOf(1, [db, api, web]),
  });
});

afterAll(async () => {
  await side.stop();
  await echo.close();
});

/** Dials the inbound with `identity`, sends a line, returns how the connection ended. */
async function tryPeer(identity: ReturnType<typeof issueTestIdentity> | undefined) {
  const s = await tlsDial(side.ports.sql, { identity, roots: [db.root] });
  s.write('ping\n');
  return collect(s);
}

function lastRefusal(): unknown {
  return side.events('peer_refused').at(-1)?.reason;
}

describe('inbound', () => {
  it('ok/accepts a peer of an accepted type and forwards both ways', async () => {
    const s = await tlsDial(side.ports.sql, { identity: issueTestIdentity(api, { now }), roots: [db.root] });
    s.write('hello through the mesh');
    expect((await readBytes(s, 22)).toString()).toBe('hello through the mesh');
    s.end();
    const out = await collect(s);
    expect(out.ended).toBe(true);
    expect(side.events('peer_accepted').at(-1)).toMatchObject({
      route: 'sql',
      peer: `spiffe://${TRUST_DOMAIN}/api/api-1`,
    });
  });

  it.each([
    ['fail/peer of another type (CA not in the accept set)', () => issueTestIdentity(web, { now }), 'CERT_UNTRUSTED'],
    ['fail/foreign CA with the same SPIFFE ID', () => issueTestIdentity(foreignApi, { now }), 'CERT_UNTRUSTED'],
    [
      'fail/accepted CA but the SPIFFE ID names another type',
      () => issueTestIdentity(api, { now, uri: `spiffe://${TRUST_DOMAIN}/web/w-1` }),
      'TYPE_NOT_ALLOWED',
    ],
    [
      'fail/accepted CA but another trust domain',
      () => issueTestIdentity(api, { now, trustDomain: 'evil.test' }),
      'WRONG_TRUST_DOMAIN',
    ],
    ['fail/no client certificate', () => undefined, 'NO_PEER_CERTIFICATE'],
  ])('%s', async (_name, make, reason) => {
    const before = side.sidecar.metrics.get('trustmesh_sidecar_refusals_total', {
      direction: 'inbound',
      route: 'sql',
      reason,
    });
    const out = await tryPeer(make());
    expect(out.data.length).toBe(0); // closed by the sidecar: nothing reached the service
    expect(lastRefusal()).toBe(reason);
    expect(
      side.sidecar.metrics.get('trustmesh_sidecar_refusals_total', { direction: 'inbound', route: 'sql', reason }),
    ).toBe(before + 1);
  });

  it.each([
    ['fail/plaintext HTTP instead of TLS', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['fail/random garbage instead of TLS', Buffer.from('16030100ffdeadbeef'.repeat(40), 'hex')],
  ])('%s', async (_name, bytes) => {
    const s = await dial(side.ports.sql);
    s.write(bytes);
    const out = await collect(s);
    expect(out.data.length).toBeLessThan(64); // at most a TLS alert, never forwarded data
    await waitFor(() => lastRefusal() === 'HANDSHAKE_FAILED', 2000, 'refusal log');
    // The sidecar is still up and serving.
    const ok = await tlsDial(side.ports.sql, { identity: issueTestIdentity(api, { now }), roots: [db.root] });
    ok.write('x');
    expect((await readBytes(ok, 1)).toString()).toBe('x');
    ok.destroy();
  });

  it('fail/a client that never finishes the handshake is timed out', async () => {
    const s = await dial(side.ports.sql);
    const started = Date.now();
    const out = await collect(s, 3000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(out.data.length).toBe(0);
    await waitFor(() => lastRefusal() === 'HANDSHAKE_TIMEOUT', 1000, 'timeout log');
  });

  it('fail/forward target down: the client gets a clean close, the sidecar stays up', async () => {
    const s = await tlsDial(side.ports.down, { identity: issueTestIdentity(api, { now }), roots: [db.root] });
    const out = await collect(s);
    expect(out).toMatchObject({ ended: true, data: Buffer.alloc(0) });
    expect(out.error).toBeUndefined();
    expect(
      side.sidecar.metrics.get('trustmesh_sidecar_refusals_total', {
        direction: 'inbound',
        route: 'down',
        reason: 'FORWARD_FAILED',
      }),
    ).toBe(1);
    const ok = await tlsDial(side.ports.sql, { identity: issueTestIdentity(api, { now }), roots: [db.root] });
    ok.end('y');
    expect((await collect(ok)).data.toString()).toBe('y');
  });

  it('ok/half-close: the client ends its side and still reads the reply', async () => {
    // The target answers only after the client has finished sending.
    const late = await startTcpServer((s) => {
      const chunks: Buffer[] = [];
      s.on('data', (c) => chunks.push(c));
      s.on('end', () => s.end(Buffer.concat(chunks).toString().toUpperCase()));
    });
    const extra = await startTestSidecar({
      serviceType: 'db',
      yaml: `inbound:\n  - { name: hc, listen: 127.0.0.1:0, forward: 127.0.0.1:${late.port}, accept: [api] }`,
      identity: issueTestIdentity(db, { now }),
      bundle: bundleOf(1, [db, api]),
    });
    try {
      const s = await tlsDial(extra.ports.hc, { identity: issueTestIdentity(api, { now }), roots: [db.root] });
      s.end('half closed');
      const out = await collect(s);
      expect(out.data.toString()).toBe('HALF CLOSED');
      expect(out.ended).toBe(true);
    } finally {
      await extra.stop();
      await late.close();
    }
  });

  it('fail/max connections: connections beyond the limit are refused at accept', async () => {
    const open = await Promise.all(Array.from({ length: 50 - side.sidecar.tracker.size }, () => dial(side.ports.sql)));
    await waitFor(() => side.sidecar.tracker.size === 50, 2000, 'slots taken');
    const extra = connect({ host: '127.0.0.1', port: side.ports.sql });
    const out = await collect(extra);
    expect(out.data.length).toBe(0);
    expect(lastRefusal()).toBe('MAX_CONNECTIONS');
    for (const s of open) s.destroy();
    await waitFor(() => side.sidecar.tracker.size === 0, 2000, 'slots released');
  });

  it('ok/clients that reset right after the handshake leave no trace and no crash', async () => {
    const clients = await Promise.all(
      Array.from({ length: 20 }, () =>
        tlsDial(side.ports.sql, { identity: issueTestIdentity(api, { now }), roots: [db.root] }),
      ),
    );
    for (const c of clients) {
      c.write('bye');
      c.destroy();
    }
    await waitFor(() => side.sidecar.tracker.size === 0, 2000, 'slots released');
    const ok = await tlsDial(side.ports.sql, { identity: issueTestIdentity(api, { now }), roots: [db.root] });
    ok.end('alive');
    expect((await collect(ok)).data.toString()).toBe('alive');
  });

  it('ok/idle timeout closes a connection with no traffic either way', async () => {
    const extra = await startTestSidecar({
      serviceType: 'db',
      yaml: `inbound:\n  - { name: idle, listen: 127.0.0.1:0, forward: 127.0.0.1:${echo.port}, accept: [api] }\nlimits: { idleTimeout: 200ms, drainTimeout: 100ms }`,
      identity: issueTestIdentity(db, { now }),
      bundle: bundleOf(1, [db, api]),
    });
    try {
      const s = await tlsDial(extra.ports.idle, { identity: issueTestIdentity(api, { now }), roots: [db.root] });
      // Traffic every 100 ms keeps it open past the timeout…
      for (let i = 0; i < 4; i += 1) {
        s.write('k');
        expect((await readBytes(s, 1)).toString()).toBe('k');
        await new Promise((r) => setTimeout(r, 100));
      }
      // …then silence closes it.
      const started = Date.now();
      await collect(s, 2000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    } finally {
      await extra.stop();
    }
  });

  it.each([
    ['fail/TLS 1.2 client against the 1.3 default', "'1.3'", false],
    ['ok/TLS 1.2 client when tlsMinVersion is 1.2', "'1.2'", true],
  ])('%s', async (_name, version, accepted) => {
    const extra = await startTestSidecar({
      serviceType: 'db',
      yaml: `inbound:\n  - { name: v, listen: 127.0.0.1:0, forward: 127.0.0.1:${echo.port}, accept: [api] }\ntlsMinVersion: ${version}`,
      identity: issueTestIdentity(db, { now }),
      bundle: bundleOf(1, [db, api]),
    });
    try {
      const peer = issueTestIdentity(api, { now });
      const s = tlsConnect({
        host: '127.0.0.1',
        port: extra.ports.v,
        key: peer.keyPem,
        cert: peer.chainPem,
        maxVersion: 'TLSv1.2',
        rejectUnauthorized: false,
      });
      s.on('error', () => undefined);
      s.end('v12');
      const out = await collect(s);
      expect(out.data.toString()).toBe(accepted ? 'v12' : '');
      if (accepted) expect(extra.events('peer_accepted')).toHaveLength(1);
      else expect(extra.events('peer_refused').at(-1)).toMatchObject({ reason: 'HANDSHAKE_FAILED' });
    } finally {
      await extra.stop();
    }
  });
});
