import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Telemetry } from '@trustmesh/telemetry';
import { SignerError } from './errors';
import type { HostPort } from './config';

/** A running admin listener. */
export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The admin HTTP listener: `GET /healthz` (200 while the process serves), `GET /readyz` (200 when
 * `ready()`, else 503), `GET /metrics` (Prometheus text from OpenTelemetry). Anything else is 404;
 * methods other than GET/HEAD are 405. Rejects with SignerError LISTEN_FAILED.
 */
export async function startAdminServer(at: HostPort, telemetry: Telemetry, ready: () => boolean): Promise<AdminServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') return telemetry.metricsHandler(req, res);
    if (path === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (path === '/readyz') {
      const ok = ready();
      return void res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ready\n' : 'not ready\n');
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new SignerError('LISTEN_FAILED', `admin ${at.host}:${at.port}: ${err.message}`, { cause: err })),
    );
    server.listen(at.port, at.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
