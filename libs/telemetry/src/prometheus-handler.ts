import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusSerializer, type PrometheusExporter } from '@opentelemetry/exporter-prometheus';

/** Content type of the Prometheus text exposition format this handler writes. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Serializer settings shared by every app: no timestamps, no resource attributes as labels (the
 * resource is in `target_info`), and no `otel_scope_name`/`otel_scope_version` labels — each app
 * has one meter named after its service, so those labels would only repeat `target_info`, and
 * every series keeps exactly the labels the app records.
 */
const serializer = new PrometheusSerializer(undefined, false, undefined, false, true);

/**
 * An HTTP handler for the app's own admin server that collects `reader` now (observable
 * callbacks run here) and answers 200 with the Prometheus text format 0.0.4 (always ending in a
 * newline; HEAD gets the headers only). Instrument callbacks that throw are reported by the SDK
 * through `diag` and their series are left out; the rest is served. A collection that rejects
 * as a whole (reader shut down) answers 503 with the reason as a comment line.
 */
export function prometheusHandler(reader: PrometheusExporter): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    reader.collect().then(
      ({ resourceMetrics }) => {
        const text = serializer.serialize(resourceMetrics);
        send(req, res, 200, text.endsWith('\n') ? text : `${text}\n`);
      },
      (err: unknown) => send(req, res, 503, `# metrics collection failed: ${String(err).replace(/\n/g, ' ')}\n`),
    );
  };
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
