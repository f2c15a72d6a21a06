/**
 * `@trustmesh/telemetry`: OpenTelemetry for the TrustMesh apps — instance-scoped tracer and meter,
 * a Prometheus handler for the app's own admin port, OTLP only when the `OTEL_*` variables the
 * app passes in ask for it, a no-op variant, observable instruments fed from in-process counters,
 * and small span/timer helpers. The contract is in README.md.
 */
export { TelemetryError, type TelemetryErrorCode } from './errors';
export { parseOtlpConfig, type OtlpConfig, type TelemetryEnv } from './otlp-config';
export { createTelemetry, createNoopTelemetry, type Telemetry, type TelemetryOptions } from './telemetry';
export { PROMETHEUS_CONTENT_TYPE } from './prometheus-handler';
export { observeSnapshot, type SnapshotInstrument, type SnapshotPoint } from './observe-snapshot';
export { withSpan, markSpanError, startTimer } from './span';
export type { Tracer, Meter, Span, Context, Counter, Histogram, UpDownCounter, Attributes } from '@opentelemetry/api';
/** Span exporters for `TelemetryOptions.spanExporters` (tests: InMemorySpanExporter). */
export { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
