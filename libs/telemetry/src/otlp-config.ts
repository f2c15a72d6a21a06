import { TelemetryError } from './errors';

/** The environment as the app read it at its edge (this lib never reads `process.env`). */
export type TelemetryEnv = Readonly<Record<string, string | undefined>>;

/** OTLP export settings derived from the standard `OTEL_*` variables. */
export interface OtlpConfig {
  /** Resource `service.name` override from `OTEL_SERVICE_NAME`. */
  serviceName?: string;
  /** True when `OTEL_SDK_DISABLED=true`: the app should use the no-op telemetry. */
  disabled: boolean;
  traces?: { url: string; headers: Record<string, string> };
  metrics?: { url: string; headers: Record<string, string>; intervalMillis: number };
}

const DEFAULT_BASE = 'http://localhost:4318';

/**
 * Reads the standard OTLP variables from `env`. OTLP is used only when asked for: a signal is
 * exported when `OTEL_<SIGNAL>_EXPORTER` lists `otlp`, or when it is unset and an OTLP endpoint
 * variable is set; `none` always wins. Only `http/protobuf` is supported. Throws
 * {@link TelemetryError} `OTEL_CONFIG_INVALID` for an unsupported protocol or exporter name, a
 * malformed URL, header list or interval.
 */
export function parseOtlpConfig(env: TelemetryEnv): OtlpConfig {
  const disabled = (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true';
  const protocol = (env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  if (protocol !== 'http/protobuf') {
    throw new TelemetryError(
      'OTEL_CONFIG_INVALID',
      `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}: only http/protobuf is supported`,
    );
  }
  const headers = parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS);
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const config: OtlpConfig = { disabled };
  const serviceName = env.OTEL_SERVICE_NAME?.trim();
  if (serviceName) config.serviceName = serviceName;

  const tracesUrl = signalUrl(env, 'TRACES', base, '/v1/traces');
  if (tracesUrl) config.traces = { url: tracesUrl, headers };
  const metricsUrl = signalUrl(env, 'METRICS', base, '/v1/metrics');
  if (metricsUrl) {
    config.metrics = { url: metricsUrl, headers, intervalMillis: parseInterval(env.OTEL_METRIC_EXPORT_INTERVAL) };
  }
  return config;
}

function signalUrl(
  env: TelemetryEnv,
  signal: 'TRACES' | 'METRICS',
  base: string | undefined,
  path: string,
): string | undefined {
  const exporters = (env[`OTEL_${signal}_EXPORTER`] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of exporters) {
    // prometheus is served on the admin port regardless; console is not offered by this lib.
    if (!['otlp', 'none', 'prometheus'].includes(name)) {
      throw new TelemetryError(
        'OTEL_CONFIG_INVALID',
        `OTEL_${signal}_EXPORTER=${name}: supported values are otlp, prometheus, none`,
      );
    }
  }
  if (exporters.includes('none')) return undefined;
  const specific = env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`]?.trim();
  const wanted = exporters.includes('otlp') || (exporters.length === 0 && Boolean(specific || base));
  if (!wanted) return undefined;
  // A signal-specific endpoint is used as is; the generic one gets the signal path appended (spec).
  const url = specific || `${(base || DEFAULT_BASE).replace(/\/+$/, '')}${path}`;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new TelemetryError(
      'OTEL_CONFIG_INVALID',
      `OTLP ${signal.toLowerCase()} endpoint is not an http(s) URL: ${url}`,
    );
  }
  return url;
}

function parseHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!text?.trim()) return headers;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim() : '';
    if (!key)
      throw new TelemetryError(
        'OTEL_CONFIG_INVALID',
        'OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas',
      );
    headers[key] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return headers;
}

function parseInterval(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 60_000;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 100 || ms > 3_600_000) {
    throw new TelemetryError(
      'OTEL_CONFIG_INVALID',
      `OTEL_METRIC_EXPORT_INTERVAL=${text}: an integer number of milliseconds, 100..3600000`,
    );
  }
  return ms;
}
