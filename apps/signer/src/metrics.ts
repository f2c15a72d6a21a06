import type { Counter, Histogram, Meter, UpDownCounter } from '@trustmesh/telemetry';

/**
 * The signer's instruments. Prometheus names (after the exporter's suffixing):
 * `trustmesh_certificates_issued_total{type,outcome,reason}`,
 * `trustmesh_signing_duration_seconds{outcome}`, `trustmesh_watch_streams`,
 * `trustmesh_status_reports_total{type,outcome}`.
 */
export class SignerMetrics {
  readonly issued: Counter;
  readonly signingSeconds: Histogram;
  readonly watchStreams: UpDownCounter;
  readonly statusReports: Counter;

  constructor(meter: Meter) {
    this.issued = meter.createCounter('trustmesh_certificates_issued', {
      description: 'Sign decisions by service type and outcome (issued, denied, error) with the reason code',
    });
    this.signingSeconds = meter.createHistogram('trustmesh_signing_duration_seconds', {
      description: 'Sign RPC latency, from request to response',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] },
    });
    this.watchStreams = meter.createUpDownCounter('trustmesh_watch_streams', {
      description: 'Open WatchTrustBundle streams',
    });
    this.statusReports = meter.createCounter('trustmesh_status_reports', {
      description: 'ReportStatus calls by type and outcome',
    });
  }
}
