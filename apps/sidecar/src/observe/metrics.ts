/**
 * Counters and gauges the proxy records, behind a small interface the metrics layer reads. For
 * now `/metrics` renders them as Prometheus text; OpenTelemetry instruments can read the same
 * {@link MetricsRegistry.read} snapshot later without touching the proxy.
 */

/** Label values are short, bounded sets (route names, reason codes) — never peer-controlled text. */
export type Labels = Readonly<Record<string, string>>;

/** Every metric the sidecar records, with its help text. */
export const METRICS = {
  trustmesh_sidecar_connections_total: { type: 'counter', help: 'Connections by direction, route and outcome (accepted, refused).' },
  trustmesh_sidecar_refusals_total: { type: 'counter', help: 'Refused or failed connections by direction, route and reason code.' },
  trustmesh_sidecar_fallbacks_total: { type: 'counter', help: 'Outbound fallbacks: kind=identity (older certificate) or trust_refresh.' },
  trustmesh_sidecar_tls_rebuilds_total: { type: 'counter', help: 'TLS context rebuilds by outcome (ok, failed).' },
  trustmesh_sidecar_bytes_total: { type: 'counter', help: 'Bytes proxied by direction, route and flow (to_peer, from_peer).' },
  trustmesh_sidecar_open_connections: { type: 'gauge', help: 'Open proxied connections by direction and route.' },
} as const;

/** Name of a known metric. */
export type MetricName = keyof typeof METRICS;

/** The write side the proxy uses. */
export interface Metrics {
  add(name: MetricName, labels: Labels, value?: number): void;
}

/** One series in a snapshot. */
export interface MetricPoint {
  readonly name: MetricName;
  readonly labels: Labels;
  readonly value: number;
}

/** In-process store of every series; cheap enough for the per-connection path (one Map lookup). */
export class MetricsRegistry implements Metrics {
  private readonly series = new Map<string, { name: MetricName; labels: Labels; value: number }>();

  add(name: MetricName, labels: Labels, value = 1): void {
    const key = seriesKey(name, labels);
    const s = this.series.get(key);
    if (s) s.value += value;
    else this.series.set(key, { name, labels, value });
  }

  /** Current value of one series (0 when never recorded). */
  get(name: MetricName, labels: Labels): number {
    return this.series.get(seriesKey(name, labels))?.value ?? 0;
  }

  /** Sum over every series of `name` whose labels include `match`. */
  sum(name: MetricName, match: Labels = {}): number {
    let total = 0;
    for (const s of this.series.values()) {
      if (s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
    }
    return total;
  }

  /** A copy of every series, sorted by name then labels. */
  read(): MetricPoint[] {
    return [...this.series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => ({ ...s }));
  }

  /** Prometheus text exposition format 0.0.4. */
  toPrometheus(): string {
    const lines: string[] = [];
    for (const [name, meta] of Object.entries(METRICS)) {
      lines.push(`# HELP ${name} ${meta.help}`, `# TYPE ${name} ${meta.type}`);
      for (const p of this.read()) {
        if (p.name === name) lines.push(`${name}${formatLabels(p.labels)} ${p.value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

function seriesKey(name: string, labels: Labels): string {
  return `${name}${formatLabels(labels)}`;
}

function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `{${keys.map((k) => `${k}="${esc(labels[k])}"`).join(',')}}`;
}
