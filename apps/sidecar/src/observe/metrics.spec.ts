/**
 * The in-process registry, the per-route bound series, and their OpenTelemetry export scraped
 * over real HTTP on 127.0.0.1 (the same Prometheus handler the admin endpoint mounts).
 */
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTelemetry, PROMETHEUS_CONTENT_TYPE, type Telemetry } from '@trustmesh/telemetry';
import { METRICS, MetricsRegistry } from './metrics';
import { exportMetrics, SIDECAR_SERVICE_NAME } from './otel-export';
import { bindRouteMetrics } from './route-metrics';

async function scrape(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ type: string; body: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/metrics' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ type: String(res.headers['content-type']), body }));
      }).on('error', reject);
    });
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

describe('MetricsRegistry', () => {
  it('ok/one series per name and label set, whatever the key order', () => {
    const m = new MetricsRegistry();
    const s = m.series('trustmesh_sidecar_fallbacks_total', { route: 'db', kind: 'identity' });
    s.add();
    m.add('trustmesh_sidecar_fallbacks_total', { kind: 'identity', route: 'db' }, 2);
    expect(m.series('trustmesh_sidecar_fallbacks_total', { kind: 'identity', route: 'db' })).toBe(s);
    expect(s.labels).toEqual({ kind: 'identity', route: 'db' });
    expect(Object.keys(s.labels)).toEqual(['kind', 'route']);
    expect(m.get('trustmesh_sidecar_fallbacks_total', { route: 'db', kind: 'identity' })).toBe(3);
    expect(m.get('trustmesh_sidecar_fallbacks_total', { route: 'api', kind: 'identity' })).toBe(0);
    m.add('trustmesh_sidecar_fallbacks_total', { route: 'api', kind: 'trust_refresh' });
    expect(m.sum('trustmesh_sidecar_fallbacks_total')).toBe(4);
    expect(m.sum('trustmesh_sidecar_fallbacks_total', { kind: 'identity' })).toBe(3);
    expect(m.read().map((p) => [p.labels.kind, p.labels.route, p.value])).toEqual([
      ['identity', 'db', 3],
      ['trust_refresh', 'api', 1],
    ]);
  });

  it('ok/route series are bound once and exist at 0; refused counts the outcome and the reason, failed only the reason', () => {
    const m = new MetricsRegistry();
    const r = bindRouteMetrics(m, 'inbound', 'sql');
    expect(m.read().map((p) => `${p.name}${JSON.stringify(p.labels)}=${p.value}`)).toEqual([
      'trustmesh_sidecar_bytes_total{"direction":"inbound","flow":"from_peer","route":"sql"}=0',
      'trustmesh_sidecar_bytes_total{"direction":"inbound","flow":"to_peer","route":"sql"}=0',
      'trustmesh_sidecar_connections_total{"direction":"inbound","outcome":"accepted","route":"sql"}=0',
      'trustmesh_sidecar_connections_total{"direction":"inbound","outcome":"refused","route":"sql"}=0',
      'trustmesh_sidecar_open_connections{"direction":"inbound","route":"sql"}=0',
    ]);
    r.accepted.add();
    r.open.add(1);
    r.fromPeer.add(10);
    r.refused('CERT_UNTRUSTED');
    r.refused('CERT_UNTRUSTED');
    r.failed('FORWARD_FAILED');
    const labels = { direction: 'inbound', route: 'sql' };
    expect(m.get('trustmesh_sidecar_connections_total', { ...labels, outcome: 'accepted' })).toBe(1);
    expect(m.get('trustmesh_sidecar_connections_total', { ...labels, outcome: 'refused' })).toBe(2);
    expect(m.get('trustmesh_sidecar_refusals_total', { ...labels, reason: 'CERT_UNTRUSTED' })).toBe(2);
    expect(m.get('trustmesh_sidecar_refusals_total', { ...labels, reason: 'FORWARD_FAILED' })).toBe(1);
    expect(m.get('trustmesh_sidecar_open_connections', labels)).toBe(1);
    expect(m.get('trustmesh_sidecar_bytes_total', { ...labels, flow: 'from_peer' })).toBe(10);
  });
});

describe('exportMetrics', () => {
  let telemetry: Telemetry;
  beforeEach(() => {
    telemetry = createTelemetry({ serviceName: SIDECAR_SERVICE_NAME });
  });
  afterEach(() => telemetry.shutdown());

  it('ok/the scrape is the OpenTelemetry exposition of the registry, read at scrape time, names and labels as recorded', async () => {
    const m = new MetricsRegistry();
    exportMetrics(m, telemetry.meter);
    const r = bindRouteMetrics(m, 'inbound', 'http');
    m.add('trustmesh_sidecar_refusals_total', { route: 'a"b', reason: 'X' });
    m.add('trustmesh_sidecar_tls_rebuilds_total', { outcome: 'ok' });
    const first = await scrape(telemetry.metricsHandler);
    expect(first.type).toBe(PROMETHEUS_CONTENT_TYPE);
    let body = first.body;
    expect(body).toContain(`target_info{service_name="${SIDECAR_SERVICE_NAME}"} 1\n`);
    for (const name of [
      'trustmesh_sidecar_connections_total',
      'trustmesh_sidecar_refusals_total',
      'trustmesh_sidecar_open_connections',
    ] as const) {
      expect(body).toContain(`# HELP ${name} ${METRICS[name].help}\n# TYPE ${name} ${METRICS[name].type}\n`);
    }
    expect(body).toContain(
      'trustmesh_sidecar_connections_total{direction="inbound",outcome="accepted",route="http"} 0\n',
    );
    expect(body).toContain('trustmesh_sidecar_refusals_total{reason="X",route="a\\"b"} 1\n');
    expect(body).toContain('trustmesh_sidecar_tls_rebuilds_total{outcome="ok"} 1\n');
    // No fallback happened: no series, and so no HELP/TYPE for it either.
    expect(body).not.toContain('trustmesh_sidecar_fallbacks_total');

    r.accepted.add();
    r.open.add(1);
    ({ body } = await scrape(telemetry.metricsHandler));
    expect(body).toContain(
      'trustmesh_sidecar_connections_total{direction="inbound",outcome="accepted",route="http"} 1\n',
    );
    expect(body).toContain('trustmesh_sidecar_open_connections{direction="inbound",route="http"} 1\n');
    r.open.add(-1);
    ({ body } = await scrape(telemetry.metricsHandler));
    expect(body).toContain('trustmesh_sidecar_open_connections{direction="inbound",route="http"} 0\n');
  });

  it('ok/after the returned stop the registry is no longer read (the last values stay, as cumulative series do)', async () => {
    const m = new MetricsRegistry();
    const stop = exportMetrics(m, telemetry.meter);
    m.add('trustmesh_sidecar_tls_rebuilds_total', { outcome: 'ok' });
    expect((await scrape(telemetry.metricsHandler)).body).toContain(
      'trustmesh_sidecar_tls_rebuilds_total{outcome="ok"} 1\n',
    );
    stop();
    m.add('trustmesh_sidecar_tls_rebuilds_total', { outcome: 'ok' });
    expect((await scrape(telemetry.metricsHandler)).body).not.toContain(
      'trustmesh_sidecar_tls_rebuilds_total{outcome="ok"} 2',
    );
  });
});
