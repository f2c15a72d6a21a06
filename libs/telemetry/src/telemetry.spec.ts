import { SpanStatusCode } from '@opentelemetry/api';
import {
  createNoopTelemetry,
  createTelemetry,
  InMemorySpanExporter,
  parseOtlpConfig,
  PROMETHEUS_CONTENT_TYPE,
  startTimer,
  TelemetryError,
  withSpan,
} from './index';
import { serve } from './testing/serve';

describe('createTelemetry', () => {
  it('ok/prometheus scrape over 127.0.0.1 shows counters and histograms', async () => {
    const t = createTelemetry({ serviceName: 'test' });
    const issued = t.meter.createCounter('trustmesh_certificates_issued', { description: 'issued' });
    issued.add(2, { type: 'api', outcome: 'issued' });
    t.meter.createHistogram('trustmesh_signing_duration_seconds').record(0.002);
    const srv = await serve((req, res) => t.metricsHandler(req, res));
    try {
      const body = await (await fetch(`${srv.url}/metrics`)).text();
      expect(body).toMatch(/trustmesh_certificates_issued_total\{[^}]*type="api"[^}]*\} 2/);
      expect(body).toContain('trustmesh_signing_duration_seconds_bucket');
    } finally {
      await srv.close();
      await t.shutdown();
    }
  });

  it('ok/scrape is text format 0.0.4: content type, HELP/TYPE, target_info, no scope labels, HEAD without body', async () => {
    const t = createTelemetry({ serviceName: 'svc', serviceVersion: '1.2.3' });
    t.meter.createCounter('trustmesh_things', { description: 'Things done' }).add(1, { route: 'db', kind: 'x' });
    const srv = await serve((req, res) => t.metricsHandler(req, res));
    try {
      const res = await fetch(`${srv.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = await res.text();
      expect(body).toContain('# HELP trustmesh_things_total Things done\n# TYPE trustmesh_things_total counter\n');
      // Exactly the recorded labels, in the recorded order: no otel_scope_name / otel_scope_version.
      expect(body).toContain('trustmesh_things_total{route="db",kind="x"} 1\n');
      expect(body).not.toContain('otel_scope');
      expect(body).toContain('target_info{service_name="svc",service_version="1.2.3"} 1\n');
      expect(body.endsWith('\n')).toBe(true);
      const head = await fetch(`${srv.url}/metrics`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
      expect(await head.text()).toBe('');
    } finally {
      await srv.close();
      await t.shutdown();
    }
  });

  it('ok/scrape with no instruments still ends in a newline', async () => {
    const t = createTelemetry({ serviceName: 'svc' });
    const srv = await serve((req, res) => t.metricsHandler(req, res));
    try {
      const body = await (await fetch(srv.url)).text();
      expect(body).toMatch(/^# HELP target_info Target metadata\n[^]*\n$/);
    } finally {
      await srv.close();
      await t.shutdown();
    }
  });

  it('fail/scrape after shutdown answers 503 with the reason as a comment', async () => {
    const t = createTelemetry({ serviceName: 'svc' });
    await t.shutdown();
    const srv = await serve((req, res) => t.metricsHandler(req, res));
    try {
      const res = await fetch(srv.url);
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/^# metrics collection failed: .+\n$/);
    } finally {
      await srv.close();
    }
  });

  it('ok/spans reach an in-memory exporter with parent links and error codes', async () => {
    const mem = new InMemorySpanExporter();
    const t = createTelemetry({ serviceName: 'test', spanExporters: [mem] });
    await withSpan(t.tracer, 'rpc', {}, async (_span, ctx) => {
      await withSpan(t.tracer, 'policy', { parent: ctx }, () => 1);
      await expect(
        withSpan(t.tracer, 'sign', { parent: ctx }, () => {
          throw Object.assign(new Error('x'), { code: 'KEY_TOO_WEAK' });
        }),
      ).rejects.toThrow('x');
    });
    const spans = mem.getFinishedSpans();
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['policy', 'rpc', 'sign']);
    expect(byName.policy?.parentSpanContext?.spanId).toBe(byName.rpc?.spanContext().spanId);
    expect(byName.sign?.status.code).toBe(SpanStatusCode.ERROR);
    expect(byName.sign?.attributes['error.code']).toBe('KEY_TOO_WEAK');
    await t.shutdown();
  });

  it('ok/noop telemetry records nothing and serves an empty scrape', async () => {
    const t = createNoopTelemetry();
    t.meter.createCounter('x').add(1);
    const span = t.tracer.startSpan('x');
    expect(span.isRecording()).toBe(false);
    const srv = await serve((req, res) => t.metricsHandler(req, res));
    const res = await fetch(srv.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await srv.close();
  });

  it('ok/startTimer measures seconds', async () => {
    const elapsed = startTimer();
    await new Promise((r) => setTimeout(r, 20));
    expect(elapsed()).toBeGreaterThan(0.015);
    expect(elapsed()).toBeLessThan(5);
  });
});

describe('parseOtlpConfig', () => {
  const ok: [string, Record<string, string>, { traces?: string; metrics?: string; disabled?: boolean }][] = [
    ['ok/empty env exports nothing', {}, {}],
    [
      'ok/generic endpoint enables both signals',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' },
      { traces: 'http://c:4318/v1/traces', metrics: 'http://c:4318/v1/metrics' },
    ],
    [
      'ok/none wins over an endpoint',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' },
      { metrics: 'http://c:4318/v1/metrics' },
    ],
    [
      'ok/specific endpoint used as is',
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://t/x' },
      { traces: 'https://t/x' },
    ],
    [
      'ok/otlp exporter without endpoint uses the default',
      { OTEL_TRACES_EXPORTER: 'otlp' },
      { traces: 'http://localhost:4318/v1/traces' },
    ],
    ['ok/sdk disabled', { OTEL_SDK_DISABLED: 'true' }, { disabled: true }],
  ];
  it.each(ok)('%s', (_name, env, want) => {
    const c = parseOtlpConfig(env);
    expect(c.traces?.url).toBe(want.traces);
    expect(c.metrics?.url).toBe(want.metrics);
    expect(c.disabled).toBe(want.disabled ?? false);
  });

  const bad: [string, Record<string, string>][] = [
    ['fail/grpc protocol', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }],
    ['fail/unknown exporter', { OTEL_TRACES_EXPORTER: 'zipkin' }],
    ['fail/bad url', { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }],
    ['fail/ftp url', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x/y' }],
    ['fail/bad headers', { OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }],
    ['fail/bad interval', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_METRIC_EXPORT_INTERVAL: '5s' }],
  ];
  it.each(bad)('%s', (_name, env) => {
    let caught: unknown;
    try {
      parseOtlpConfig(env);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TelemetryError);
    expect((caught as TelemetryError).code).toBe('OTEL_CONFIG_INVALID');
  });
});

describe('createTelemetry without span exporters', () => {
  it('ok/the tracer is a no-op (nothing would receive the spans)', async () => {
    const t = createTelemetry({ serviceName: 'test' });
    expect(t.tracer.startSpan('x').isRecording()).toBe(false);
    await t.shutdown();
  });
});
