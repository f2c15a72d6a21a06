/**
 * Admin HTTP endpoint: liveness, readiness, the held identity and Prometheus metrics. Read-only
 * and unauthenticated by design — bind it to loopback (the config default in the examples).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Telemetry } from '@trustmesh/telemetry';
import type { HostPort } from '../config/types';
import type { Logger } from '../observe/logger';
import type { TlsMaterial } from '../tls/tls-material';
import { listen } from '../proxy/listen';

/** What the admin endpoint reads. */
export interface AdminDeps {
  material: TlsMaterial;
  /** Serves `/metrics`: the OpenTelemetry Prometheus exposition. */
  telemetry: Pick<Telemetry, 'metricsHandler'>;
  logger: Logger;
  now: () => Date;
  /** When the identity manager plans its next renewal, if it knows. */
  nextRenewal?: () => Date | undefined;
}

/** A running admin server. */
export interface RunningAdmin {
  readonly address: { host: string; port: number };
  close(): Promise<void>;
}

/**
 * Readiness: an identity valid at `now` and a trust bundle are both held. Fails closed: an
 * expired identity makes the sidecar unready even though the last snapshot still exists.
 */
export function isReady(material: TlsMaterial, now: Date): boolean {
  const s = material.snapshot();
  return s !== undefined && s.identity.notAfter.getTime() > now.getTime();
}

/**
 * Serves `GET /healthz` (200 while the process runs), `/readyz` (200 or 503), `/identity` (JSON,
 * 503 before the first identity) and `/metrics` (Prometheus text 0.0.4 from OpenTelemetry, see
 * `telemetry.metricsHandler`). Anything else is 404, other methods 405.
 * @throws SidecarError `LISTEN_FAILED`.
 */
export async function startAdmin(at: HostPort, deps: AdminDeps): Promise<RunningAdmin> {
  const server = createServer((req, res) => handle(req, res, deps));
  server.keepAliveTimeout = 5000;
  const address = await listen(server, at, deps.logger, 'admin');
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, deps: AdminDeps): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
  const path = (req.url ?? '/').split('?')[0];
  const now = deps.now();
  switch (path) {
    case '/healthz':
      return send(res, 200, 'text/plain', 'ok\n');
    case '/readyz':
      return isReady(deps.material, now)
        ? send(res, 200, 'text/plain', 'ready\n')
        : send(res, 503, 'text/plain', 'not ready: no valid identity or no trust bundle\n');
    case '/identity':
      return identity(res, deps, now);
    case '/metrics':
      return deps.telemetry.metricsHandler(req, res);
    default:
      return send(res, 404, 'text/plain', 'not found\n');
  }
}

function identity(res: ServerResponse, deps: AdminDeps, now: Date): void {
  const s = deps.material.snapshot();
  if (!s) return send(res, 503, 'application/json', JSON.stringify({ error: 'NO_IDENTITY' }) + '\n');
  const i = s.identity;
  const body = {
    spiffeId: i.spiffeId,
    serial: i.serialHex,
    issuer: i.issuer,
    notBefore: i.notBefore.toISOString(),
    notAfter: i.notAfter.toISOString(),
    secondsToExpiry: Math.max(0, Math.floor((i.notAfter.getTime() - now.getTime()) / 1000)),
    nextRenewal: deps.nextRenewal?.()?.toISOString() ?? null,
    bundleVersion: s.bundleVersion,
    tlsGeneration: s.generation,
  };
  send(res, 200, 'application/json', JSON.stringify(body) + '\n');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
