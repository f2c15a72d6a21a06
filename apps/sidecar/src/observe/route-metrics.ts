import type { Metrics, Series } from './metrics';

/**
 * The series one route records on its data path, bound once when the route starts so that a
 * connection costs plain number additions: no label objects, no key strings, no OpenTelemetry
 * call (they are read at collection time, see `./otel-export.ts`). The accepted, refused,
 * open-connection and byte series exist from the start at 0.
 */
export interface RouteMetrics {
  /** `connections_total{outcome="accepted"}`. */
  readonly accepted: Series;
  /** `open_connections`: +1 when a connection is spliced, -1 when it ends. */
  readonly open: Series;
  /** `bytes_total{flow="from_peer"}` and `{flow="to_peer"}`. */
  readonly fromPeer: Series;
  readonly toPeer: Series;
  /** `connections_total{outcome="refused"}` and `refusals_total{reason}` (series bound per reason on first use). */
  refused(reason: string): void;
  /** `refusals_total{reason}` alone: a connection that was accepted and then failed (FORWARD_FAILED). */
  failed(reason: string): void;
}

/** Binds the series of the route `route` in `direction`. */
export function bindRouteMetrics(metrics: Metrics, direction: 'inbound' | 'outbound', route: string): RouteMetrics {
  const labels = { direction, route };
  const refusedTotal = metrics.series('trustmesh_sidecar_connections_total', { ...labels, outcome: 'refused' });
  const byReason = new Map<string, Series>();
  const reasonSeries = (reason: string): Series => {
    let s = byReason.get(reason);
    if (!s) {
      s = metrics.series('trustmesh_sidecar_refusals_total', { ...labels, reason });
      byReason.set(reason, s);
    }
    return s;
  };
  return {
    accepted: metrics.series('trustmesh_sidecar_connections_total', { ...labels, outcome: 'accepted' }),
    open: metrics.series('trustmesh_sidecar_open_connections', labels),
    fromPeer: metrics.series('trustmesh_sidecar_bytes_total', { ...labels, flow: 'from_peer' }),
    toPeer: metrics.series('trustmesh_sidecar_bytes_total', { ...labels, flow: 'to_peer' }),
    refused(reason) {
      refusedTotal.value += 1;
      reasonSeries(reason).value += 1;
    },
    failed(reason) {
      reasonSeries(reason).value += 1;
    },
  };
}
