/**
 * `/metrics` on the admin port is OpenTelemetry's Prometheus exposition: scraped over real HTTP
 * before and after real mTLS connections (one accepted, one refused), and checked by
 * `promtool check metrics` (Debian package `prometheus`; .ci/run installs it).
 */
import { execFile } from 'node:child_process';
import { get } from 'node:http';
import { PROMETHEUS_CONTENT_TYPE } from '@trustmesh/telemetry';
import { METRICS, type MetricName } from './observe/metrics';
import { SIDECAR_SERVICE_NAME } from './observe/otel-export';
import { collect, readBytes, startTcpServer, type TestServer } from './testing/net-helpers';
import { startTestSidecar, type TestSidecar } from './testing/sidecar-fixture';
import { bundleOf, createTestCa, issueTestIdentity, type TestCa } from './testing/test-mesh';
import { tlsDial } from './testing/tls-client';

const now = new Date();
let web: TestCa, api: TestCa, db: TestCa;
let echo: TestServer;
let side: TestSidecar;

beforeAll(async () => {
  [web, api, db] = ['web', 'api', 'db'].map((t) => createTestCa(t, now));
  echo = await startTcpServer();
  side = await startTestSidecar({
    yaml: `inbound:\n  - { name: http, listen: 127.0.0.1:0, forward: 127.0.0.1:${echo.port}, accept: [web] }`,
    identity: issueTestIdentity(api, { now }),
    bundle: bundleOf(1, [web, api, db]),
  });
});

afterAll(async () => {
  await side.stop();
  await echo.close();
});

function scrape(): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: side.adminPort, path: '/metrics' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject);
  });
}

/** The value of the one series of `name` whose labels are exactly `labels` (in exposition order). */
function value(body: string, name: MetricName, labels: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Runs `promtool check metrics` on `text`; resolves with its exit code and output. */
function promtool(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, output: `${stdout}${stderr}${err && typeof err.code !== 'number' ? String(err) : ''}` });
    });
    child.stdin?.end(text);
  });
}

const HTTP = 'direction="inbound",route="http"';

describe('/metrics', () => {
  it('ok/OpenTelemetry exposition: HELP and TYPE per metric, target_info, the route series at 0 before any connection', async () => {
    const r = await scrape();
    expect(r.status).toBe(200);
    expect(r.type).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(r.body).toContain(
      `# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info{service_name="${SIDECAR_SERVICE_NAME}"} 1\n`,
    );
    for (const name of [
      'trustmesh_sidecar_connections_total',
      'trustmesh_sidecar_bytes_total',
      'trustmesh_sidecar_open_connections',
      'trustmesh_sidecar_tls_rebuilds_total',
    ] as const) {
      expect(r.body).toContain(`# HELP ${name} ${METRICS[name].help}\n# TYPE ${name} ${METRICS[name].type}\n`);
    }
    expect(
      value(r.body, 'trustmesh_sidecar_connections_total', 'direction="inbound",outcome="accepted",route="http"'),
    ).toBe(0);
    expect(value(r.body, 'trustmesh_sidecar_open_connections', HTTP)).toBe(0);
    expect(value(r.body, 'trustmesh_sidecar_tls_rebuilds_total', 'outcome="ok"')).toBe(1);
  });

  it('ok/counters move after a real mTLS connection and a refused one; the gauge returns to 0', async () => {
    const before = (await scrape()).body;
    const accepted = (b: string) =>
      value(b, 'trustmesh_sidecar_connections_total', 'direction="inbound",outcome="accepted",route="http"') ?? 0;
    const refused = (b: string) =>
      value(b, 'trustmesh_sidecar_connections_total', 'direction="inbound",outcome="refused",route="http"') ?? 0;
    const untrusted = (b: string) =>
      value(b, 'trustmesh_sidecar_refusals_total', 'direction="inbound",reason="CERT_UNTRUSTED",route="http"') ?? 0;
    const fromPeer = (b: string) =>
      value(b, 'trustmesh_sidecar_bytes_total', 'direction="inbound",flow="from_peer",route="http"') ?? 0;
    const toPeer = (b: string) =>
      value(b, 'trustmesh_sidecar_bytes_total', 'direction="inbound",flow="to_peer",route="http"') ?? 0;

    const peer = await tlsDial(side.ports.http, { identity: issueTestIdentity(web, { now }), roots: [api.root] });
    peer.write('twelve bytes');
    expect((await readBytes(peer, 12)).toString()).toBe('twelve bytes');
    const during = (await scrape()).body;
    expect(accepted(during)).toBe(accepted(before) + 1);
    expect(value(during, 'trustmesh_sidecar_open_connections', HTTP)).toBe(1);
    peer.end();
    await collect(peer);

    // db's certificate is not of an accepted type, and db's root is not in the inbound trust store.
    const stranger = await tlsDial(side.ports.http, { identity: issueTestIdentity(db, { now }), roots: [api.root] });
    await collect(stranger);

    // The gauge drops once both sockets of the splice have closed: poll the scrape briefly.
    let after = '';
    const deadline = Date.now() + 5000;
    do {
      after = (await scrape()).body;
      if (value(after, 'trustmesh_sidecar_open_connections', HTTP) === 0 && refused(after) > refused(before)) break;
      await new Promise((r) => setTimeout(r, 50));
    } while (Date.now() < deadline);
    expect(value(after, 'trustmesh_sidecar_open_connections', HTTP)).toBe(0);
    expect(accepted(after)).toBe(accepted(before) + 1);
    expect(refused(after)).toBe(refused(before) + 1);
    expect(untrusted(after)).toBe(untrusted(before) + 1);
    // Sent right after the handshake, before the forward connection existed: counted all the same.
    expect(fromPeer(after)).toBe(fromPeer(before) + 12);
    expect(toPeer(after)).toBe(toPeer(before) + 12);
  });

  it('ok/promtool check metrics accepts the exposition', async () => {
    const { body } = await scrape();
    expect(body).toContain('trustmesh_sidecar_refusals_total{');
    const r = await promtool(body);
    expect(r).toEqual({ code: 0, output: '' });
  });
});
