/**
 * The outbound route: a local plaintext listener whose connections are carried over mTLS to the
 * remote sidecar, which must present a certificate of `peerType`. Session tickets are kept per
 * route and identity generation so reconnects resume instead of paying a full handshake.
 */
import { createServer, type Socket } from 'node:net';
import { formatHostPort, type OutboundRoute } from '../config/types';
import { bindRouteMetrics } from '../observe/route-metrics';
import type { TrustSource } from '../trust/trust-source';
import type { ListenerDeps } from './inbound-listener';
import { listenRoute, type RunningListener } from './listen';
import { dialWithFallback, type CachedSession } from './outbound-dialer';
import { splice } from './splice';

/** Extra services the outbound side needs. */
export interface OutboundDeps extends ListenerDeps {
  trust: TrustSource;
  now?: () => Date;
}

/**
 * Starts the outbound listener. Connections accepted before TLS material exists are closed with
 * reason `NO_IDENTITY`; after a material change new connections use the new contexts and the
 * session cache is emptied (a resumed session would carry the old identity).
 * @throws SidecarError `LISTEN_FAILED`.
 */
export async function startOutbound(route: OutboundRoute, deps: OutboundDeps): Promise<RunningListener> {
  const { material, tracker, limits, metrics, logger, trust } = deps;
  const labels = { direction: 'outbound', route: route.name };
  const counted = bindRouteMetrics(metrics, 'outbound', route.name);
  const sessions = new Map<string, CachedSession>();
  const unsubscribe = material.onChange(() => sessions.clear());
  const env = {
    route,
    sessions,
    handshakeTimeoutMs: limits.handshakeTimeoutMs,
    now: deps.now ?? (() => new Date()),
    snapshot: () => material.snapshot(),
    refreshTrust: () => trust.refresh(),
    fellBack: (kind: 'identity' | 'trust_refresh', reason: string) => {
      metrics.add('trustmesh_sidecar_fallbacks_total', { route: route.name, kind });
      logger.log('warn', 'fallback', { ...labels, kind, reason, remote: formatHostPort(route.connect) });
    },
  };

  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (local: Socket) => {
    if (!tracker.admit(local)) {
      refuse('MAX_CONNECTIONS');
      local.destroy();
      return;
    }
    local.on('error', () => local.destroy());
    void dialWithFallback(local, env).then((r) => {
      if (!r.ok) {
        refuse(r.reason, r.error);
        local.destroy();
        return;
      }
      if (local.destroyed) {
        r.tls.destroy();
        return;
      }
      tracker.activate(local);
      counted.accepted.add();
      counted.open.add(1);
      logger.log('info', 'peer_accepted', {
        ...labels,
        peer: r.peer,
        serial: r.identity.serialHex,
        resumed: r.resumed,
      });
      const peerEnded = r.tls.readableEnded;
      tracker.trackPair(local, r.tls);
      splice(local, r.tls, limits.idleTimeoutMs, (s) => {
        counted.open.add(-1);
        counted.toPeer.add(s.aToB);
        counted.fromPeer.add(s.bToA);
      });
      // The peer's end arrived while the dial was deciding: pipe() will not see it again.
      if (peerEnded) local.end();
    });
  });

  function refuse(reason: string, error?: string): void {
    counted.refused(reason);
    logger.log('warn', 'peer_refused', {
      ...labels,
      reason,
      remote: formatHostPort(route.connect),
      ...(error ? { error } : {}),
    });
  }

  return listenRoute(server, route, logger, unsubscribe);
}
