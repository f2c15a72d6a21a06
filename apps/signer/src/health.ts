import { Metadata, status, type ServerWritableStream, type handleUnaryCall } from '@grpc/grpc-js';
import {
  HealthCheckResponse_ServingStatus as Serving,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthListRequest,
  type HealthListResponse,
  type HealthServer,
} from '@trustmesh/proto';
import { REASON_KEY } from './status-map';

/** The service names the signer reports on: the server as a whole ("") and the CA service. */
export const HEALTH_SERVICES = ['', 'trustmesh.v1.CertificateAuthority'] as const;

/**
 * The standard grpc.health.v1 service. `serving()` decides the status of every known service
 * (SERVING while the signer can issue, NOT_SERVING otherwise); unknown names get NOT_FOUND from
 * Check and SERVICE_UNKNOWN from Watch. Watch re-sends only on change (checked every `pollMs`).
 */
export function createHealthServer(
  serving: () => boolean,
  pollMs: number,
  onWatch: (stop: () => void) => () => void,
): HealthServer {
  const statusOf = (service: string): Serving | undefined =>
    (HEALTH_SERVICES as readonly string[]).includes(service)
      ? serving()
        ? Serving.SERVING
        : Serving.NOT_SERVING
      : undefined;

  const check: handleUnaryCall<HealthCheckRequest, HealthCheckResponse> = (call, callback) => {
    const s = statusOf(call.request.service);
    if (s === undefined) {
      const metadata = new Metadata();
      metadata.set(REASON_KEY, 'SERVICE_UNKNOWN');
      callback({ code: status.NOT_FOUND, details: 'unknown service', metadata });
      return;
    }
    callback(null, { status: s });
  };
  const list: handleUnaryCall<HealthListRequest, HealthListResponse> = (_call, callback) => {
    const statuses: Record<string, HealthCheckResponse> = {};
    for (const name of HEALTH_SERVICES) statuses[name] = { status: statusOf(name) as Serving };
    callback(null, { statuses });
  };
  const watch = (call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>): void => {
    let last: Serving | undefined;
    const tick = (): void => {
      const s = statusOf(call.request.service) ?? Serving.SERVICE_UNKNOWN;
      if (s !== last) call.write({ status: s });
      last = s;
    };
    const timer = setInterval(tick, pollMs);
    timer.unref();
    let unregister = (): void => undefined;
    let stopped = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      // On shutdown `serving()` is already false: tell the watcher before ending the stream.
      tick();
      clearInterval(timer);
      unregister();
      call.end();
    };
    unregister = onWatch(stop);
    call.on('cancelled', stop);
    tick();
  };
  return { check, list, watch };
}
