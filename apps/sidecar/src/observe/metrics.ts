/**
 * Counters and gauges the proxy records. They are plain numbers held in process: the data path
 * bumps a {@link Series} it bound once (no allocation, no map lookup, no OpenTelemetry call per
 * connection or handshake), and `/metrics` (and OTLP, when configured) reads them through
 * OpenTelemetry observable instruments at collection time (`./otel-export.ts`).
 */

/** Label values are short, bounded sets (route names, reason codes) — never peer-controlled text. */
export type Labels = Readonly<Record<string, string>>;

/**
 * Every metric the sidecar records, with its help text. These are also the exported names:
 * counters already end in `_total`, so OpenTelemetry's Prometheus exporter keeps them as is.
 */
export const METRICS = {
  trustmesh_sidecar_connections_total: {
    type: 'counter',
    help: 'Connections by direction, route and outcome (accepted, refused).',
  },
  trustmesh_sidecar_refusals_total: {
    type: 'counter',
    help: 'Refused or failed connections by direction, route and reason code.',
  },
  trustmesh_sidecar_fallbacks_total: {
    type: 'counter',
    help: 'Outbound fallbacks: kind=identity (older certificate) or trust_refresh.',
  },
  trustmesh_sidecar_tls_rebuilds_total: { type: 'counter', help: 'TLS context rebuilds by outcome (ok, failed).' },
  trustmesh_sidecar_bytes_total: {
    type: 'counter',
    help: 'Bytes proxied by direction, route and flow (to_peer, from_peer).',
  },
  trustmesh_sidecar_open_connections: { type: 'gauge', help: 'Open proxied connections by direction and route.' },
} as const;

/** Name of a known metric. */
export type MetricName = keyof typeof METRICS;

/** One series: a number the hot path adds to directly. */
export class Series {
  value = 0;

  /** `labels` are stored with their keys sorted (the exported label order). */
  constructor(
    readonly name: MetricName,
    readonly labels: Labels,
  ) {}

  add(n = 1): void {
    this.value += n;
  }
}

/** The write side the proxy uses. */
export interface Metrics {
  /** The series of `name` with `labels`, created at 0 on first use. Bind it once, off the hot path. */
  series(name: MetricName, labels: Labels): Series;
  /** `series(name, labels).add(value)`: for rare events (rebuilds, fallbacks). */
  add(name: MetricName, labels: Labels, value?: number): void;
}

/** One series in a snapshot. */
export interface MetricPoint {
  readonly name: MetricName;
  readonly labels: Labels;
  readonly value: number;
}

/** In-process store of every series. Series are never removed (a counter's labels are bounded). */
export class MetricsRegistry implements Metrics {
  private readonly byKey = new Map<string, Series>();

  series(name: MetricName, labels: Labels): Series {
    const sorted = sortedLabels(labels);
    const key = `${name}${JSON.stringify(sorted)}`;
    let s = this.byKey.get(key);
    if (!s) {
      s = new Series(name, sorted);
      this.byKey.set(key, s);
    }
    return s;
  }

  add(name: MetricName, labels: Labels, value = 1): void {
    this.series(name, labels).add(value);
  }

  /** Current value of one series (0 when never recorded). */
  get(name: MetricName, labels: Labels): number {
    return this.byKey.get(`${name}${JSON.stringify(sortedLabels(labels))}`)?.value ?? 0;
  }

  /** Sum over every series of `name` whose labels include `match`. */
  sum(name: MetricName, match: Labels = {}): number {
    let total = 0;
    for (const s of this.byKey.values()) {
      if (s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
    }
    return total;
  }

  /** A copy of every series, sorted by name then labels. */
  read(): MetricPoint[] {
    return [...this.byKey.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, s]) => ({ name: s.name, labels: s.labels, value: s.value }));
  }
}

function sortedLabels(labels: Labels): Labels {
  const keys = Object.keys(labels).sort();
  return Object.freeze(Object.fromEntries(keys.map((k) => [k, labels[k]])));
}
