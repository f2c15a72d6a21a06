/**
 * The sidecar's metrics leave the process only through OpenTelemetry, built by libs/telemetry
 * exactly as the signer's are: `/metrics` on the admin port is the Prometheus exporter's
 * exposition, and OTLP is added when the `OTEL_*` variables handed in at the command edge ask for
 * it. No data-path cost: the proxy keeps bumping plain numbers in the {@link MetricsRegistry};
 * each `counter` in {@link METRICS} becomes an ObservableCounter and the gauge an
 * ObservableGauge, read by one callback when a scrape or an export collects.
 */
import { observeSnapshot, type Meter, type SnapshotInstrument } from '@trustmesh/telemetry';
import { METRICS, type MetricsRegistry } from './metrics';

/** `service.name` of the sidecar's telemetry resource (`target_info{service_name=...}`). */
export const SIDECAR_SERVICE_NAME = 'trustmesh-sidecar';

const INSTRUMENTS: readonly SnapshotInstrument[] = Object.entries(METRICS).map(([name, m]) => ({
  name,
  kind: m.type,
  description: m.help,
}));

/**
 * Registers the registry's series on `meter` (one sidecar per meter: two registries on one meter
 * would report the same series twice). Returns the function that stops reporting them.
 */
export function exportMetrics(registry: MetricsRegistry, meter: Meter): () => void {
  return observeSnapshot(meter, INSTRUMENTS, () =>
    registry.read().map((p) => ({ name: p.name, attributes: p.labels, value: p.value })),
  );
}
