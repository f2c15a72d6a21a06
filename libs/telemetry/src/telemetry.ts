import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { createNoopMeter, ProxyTracerProvider, type Meter, type Tracer } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
// The SDK comes from the sdk-node distribution (its metrics and resources namespaces); traces from
// sdk-trace, the package sdk-node's deprecated `tracing` namespace points to. See README.md.
import { metrics as sdkMetrics, resources } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  TracerProvider,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { parseOtlpConfig, type TelemetryEnv } from './otlp-config';
import { PROMETHEUS_CONTENT_TYPE, prometheusHandler } from './prometheus-handler';

/** What an app holds: its tracer and meter, the Prometheus handler, and lifecycle. */
export interface Telemetry {
  readonly tracer: Tracer;
  readonly meter: Meter;
  /**
   * Serves the current metrics in the Prometheus text format 0.0.4 (see `prometheusHandler`).
   * Mount it on the app's own admin HTTP server (`GET /metrics`); nothing listens on :9464.
   */
  readonly metricsHandler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Exports pending spans and metrics now (tests, shutdown). */
  forceFlush(): Promise<void>;
  /** Flushes and stops every processor and reader; idempotent. */
  shutdown(): Promise<void>;
}

/** Options of {@link createTelemetry}. */
export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /** The app's environment, read once at its edge: only `OTEL_*` keys are consulted. Default `{}` (no OTLP). */
  env?: TelemetryEnv;
  /** Extra span exporters, each behind a SimpleSpanProcessor (tests: InMemorySpanExporter). */
  spanExporters?: SpanExporter[];
}

/**
 * Builds instance-scoped tracer and meter providers with explicit processors and readers:
 * a Prometheus reader (no server of its own, see {@link Telemetry.metricsHandler}), OTLP/HTTP
 * protobuf exporters only when the `OTEL_*` variables in `options.env` ask for them (see
 * `parseOtlpConfig`), and any `spanExporters` given.
 *
 * Nothing is registered globally: several instances (several signers or sidecars in one test
 * process) do not interfere, and the caller passes `tracer`/`meter` to the code that records.
 * Without any span exporter (no OTLP, no `spanExporters`) the tracer is a no-op. Unlike NodeSDK
 * this never falls back to exporting to localhost:4318 and never reads `process.env` (README.md
 * says why NodeSDK is not used). Returns the no-op telemetry when `OTEL_SDK_DISABLED=true`.
 * Throws `TelemetryError` `OTEL_CONFIG_INVALID` on invalid settings.
 */
export function createTelemetry(options: TelemetryOptions): Telemetry {
  const otlp = parseOtlpConfig(options.env ?? {});
  if (otlp.disabled) return createNoopTelemetry();
  const resource = resources.resourceFromAttributes({
    'service.name': otlp.serviceName ?? options.serviceName,
    ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
  });

  const spanProcessors: SpanProcessor[] = (options.spanExporters ?? []).map(
    (exporter) => new SimpleSpanProcessor({ exporter }),
  );
  if (otlp.traces) {
    spanProcessors.push(
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({
          url: otlp.traces.url,
          headers: otlp.traces.headers,
          httpAgentOptions: agentFactory,
        }),
      }),
    );
  }
  const tracerProvider = new TracerProvider({ resource, spanProcessors });

  // No server of its own (the app mounts metricsHandler). host and port are given only so that the
  // exporter does not fall back to OTEL_EXPORTER_PROMETHEUS_HOST/PORT from process.env.
  const prometheus = new PrometheusExporter({ preventServerStart: true, host: '127.0.0.1', port: 9464 });
  const readers: sdkMetrics.IMetricReader[] = [prometheus];
  if (otlp.metrics) {
    readers.push(
      new sdkMetrics.PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({
          url: otlp.metrics.url,
          headers: otlp.metrics.headers,
          httpAgentOptions: agentFactory,
        }),
        exportIntervalMillis: otlp.metrics.intervalMillis,
      }),
    );
  }
  const meterProvider = new sdkMetrics.MeterProvider({ resource, readers });

  let stopped: Promise<void> | undefined;
  return {
    // With no span processor nothing would ever see a span: hand out the no-op tracer instead, so
    // the hot path does not pay for recording (ids, clocks, attributes) that is thrown away.
    tracer:
      spanProcessors.length > 0
        ? tracerProvider.getTracer(options.serviceName, options.serviceVersion)
        : new ProxyTracerProvider().getTracer('noop'),
    meter: meterProvider.getMeter(options.serviceName, options.serviceVersion),
    metricsHandler: prometheusHandler(prometheus),
    async forceFlush() {
      await Promise.all([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    shutdown() {
      stopped ??= Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]).then(() => undefined);
      return stopped;
    },
  };
}

/**
 * The exporters' default agent factory loads `http`/`https` through a dynamic `import()` (so that
 * http auto-instrumentation can patch it first); we use no auto-instrumentation, and the dynamic
 * import fails under CommonJS test runners, so hand them keep-alive agents directly.
 */
function agentFactory(protocol: string): http.Agent | https.Agent {
  return protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
}

/**
 * Telemetry that records nothing: a no-op tracer and meter; the metrics handler answers 200 with
 * an empty body. For tools and tests that do not observe.
 */
export function createNoopTelemetry(): Telemetry {
  return {
    // A ProxyTracerProvider with no delegate hands out no-op tracers.
    tracer: new ProxyTracerProvider().getTracer('noop'),
    meter: createNoopMeter(),
    metricsHandler: (_req, res) => {
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
      res.end('');
    },
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
}
