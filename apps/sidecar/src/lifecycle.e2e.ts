/**
 * Start-up before any identity, readiness, the admin endpoint, listen failures and graceful
 * shutdown with draining.
 */
import { get } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { collect, dial, readBytes, startTcpServer, type TestServer } from './testing/net-helpers';
import { bundleOf, createTestCa, issueTestIdentity, type TestCa } from './testing/test-mesh';
import { startTestSidecar } from './testing/sidecar-fixture';
import { tlsDial } from './testing/tls-client';

const now = new Date();
let web: TestCa, api: TestCa;
let echo: TestServer;

beforeAll(async () => {
  [web, api] = ['web', 'api'].map((t) => createTestCa(t, now));
  echo = await startTcpServer();
});
afterAll(() => echo.close());

function http(port: number, path: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    }).on('error', reject);
  });
}

const inboundYaml = (extra = '') =>
  `inbound:\n  - { name: http, listen: 127.0.0.1:0, forward: 127.0.0.1:${echo.port}, accept: [web] }\n${extra}`;

describe('lifecycle', () => {
  it('ok/not ready without identity; routes start and readiness turns true once identity and bundle arrive', async () => {
    const s = await startTestSidecar({ yaml: inboundYaml() });
    try {
      expect(await http(s.adminPort, '/healthz')).toMatchObject({ status: 200 });
      expect(await http(s.adminPort, '/readyz')).toMatchObject({ status: 503 });
      expect(await http(s.adminPort, '/identity')).toMatchObject({ status: 503 });
      expect(s.sidecar.ready()).toBe(false);

      const id = issueTestIdentity(api, { now });
      s.identities.set(id);
      expect(s.sidecar.ready()).toBe(false); // identity alone is not enough: no bundle yet
      s.trust.set(bundleOf(7, [web, api]));
      const [listener] = await s.sidecar.listening;
      expect(await http(s.adminPort, '/readyz')).toMatchObject({ status: 200 });
      const identity = JSON.parse((await http(s.adminPort, '/identity')).body);
      expect(identity).toMatchObject({
        spiffeId: 'spiffe://example.test/api/api-1',
        serial: id.serialHex,
        bundleVersion: 7,
        notAfter: id.notAfter.toISOString(),
      });

      const peer = await tlsDial(listener.address.port, {
        identity: issueTestIdentity(web, { now }),
        roots: [api.root],
      });
      peer.end('m');
      expect((await collect(peer)).data.toString()).toBe('m');
      const metrics = await http(s.adminPort, '/metrics');
      expect(metrics.type).toContain('text/plain; version=0.0.4');
      expect(metrics.body).toContain('# TYPE trustmesh_sidecar_connections_total counter');
      expect(metrics.body).toContain(
        'trustmesh_sidecar_connections_total{direction="inbound",outcome="accepted",route="http"} 1',
      );
      expect(await http(s.adminPort, '/nope')).toMatchObject({ status: 404 });
    } finally {
      await s.stop();
    }
  });

  it('ok/shutdown before any identity arrived completes at once', async () => {
    const s = await startTestSidecar({ yaml: inboundYaml() });
    const t = Date.now();
    expect(await s.stop()).toBe(0);
    expect(Date.now() - t).toBeLessThan(1000);
    await expect(s.sidecar.listening).resolves.toEqual([]);
  });

  it('fail/listen address taken: listening rejects with LISTEN_FAILED, the admin stays up', async () => {
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as AddressInfo).port;
    const s = await startTestSidecar({
      yaml: `inbound:\n  - { name: http, listen: 127.0.0.1:${port}, forward: 127.0.0.1:${echo.port}, accept: [web] }`,
    });
    try {
      s.identities.set(issueTestIdentity(api, { now }));
      s.trust.set(bundleOf(1, [web, api]));
      await expect(s.sidecar.listening).rejects.toMatchObject({ code: 'LISTEN_FAILED' });
      expect(await http(s.adminPort, '/healthz')).toMatchObject({ status: 200 });
    } finally {
      await s.stop();
      squatter.close();
    }
  });

  it('ok/shutdown stops accepting, lets a finishing connection complete and cuts one that outlives the drain', async () => {
    const s = await startTestSidecar({
      yaml: inboundYaml('limits: { drainTimeout: 300ms }'),
      identity: issueTestIdentity(api, { now }),
      bundle: bundleOf(1, [web, api]),
    });
    const peer = () => tlsDial(s.ports.http, { identity: issueTestIdentity(web, { now }), roots: [api.root] });
    const lingering = await peer();
    const finishing = await peer();
    lingering.write('a');
    await readBytes(lingering, 1);
    const lingeringClosed = collect(lingering, 3000);
    finishing.write('b');
    await readBytes(finishing, 1);
    const started = Date.now();
    const stopping = s.stop();
    await new Promise((r) => setTimeout(r, 50));
    await expect(dial(s.ports.http)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    finishing.write('c'); // still served while draining
    expect((await readBytes(finishing, 1)).toString()).toBe('c');
    finishing.end();
    await collect(finishing);
    expect(await stopping).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // The lingering connection was cut by the sidecar (collect rejects if it stays open).
    expect((await lingeringClosed).data.length).toBe(0);
  });
});
