/**
 * `@trustmesh/telemetry`: OpenTelemetry for the TrustMesh apps — instance-scoped tracer and meter,
 * a Prometheus handler for the app's own admin port, OTLP only when the `OTEL_*` variables the
 * app passes in ask for it, a no-op variant, and small span/timer helpers.
 */
export { TelemetryError, type TelemetryErrorCode } from './errors';
export { parseOtlpConfig, type OtlpConfig, type TelemetryEnv } from './otlp-config';
export { createTelemetry, createNoopTelemetry, type Telemetry, type TelemetryOptions } from './telemetry';
export { withSpan, markSpanError, startTimer } from './span';
export type { Tracer, Meter, Span, Context, Counter, Histogram, UpDownCounter, Attributes } from '@opentelemetry/api';
