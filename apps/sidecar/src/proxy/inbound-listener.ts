/**
 * The inbound route: mTLS in, plaintext to the local service. Peers are checked twice — the
 * trust store holds only the roots of the accepted types, and the peer's SPIFFE ID must name an
 * accepted type in the mesh trust domain — and every decision is logged and counted.
 */
import { connect, type Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { SidecarError } from '../errors';
import { formatHostPort, type InboundRoute, type Limits } from '../config/types';
import type { Logger } from '../observe/logger';
import type { Metrics } from '../observe/metrics';
import { bindRouteMetrics } from '../observe/route-metrics';
import { authorizePeer, uriSans } from '../tls/spiffe';
import { acceptKey, type TlsMaterial, type TlsSnapshot } from '../tls/tls-material';
import type { ConnectionTracker } from './connection-tracker';
import { listenRoute, type RunningListener } from './listen';
import { splice } from './splice';

/** Shared services every listener takes. */
export interface ListenerDeps {
  material: TlsMaterial;
  tracker: ConnectionTracker;
  limits: Limits;
  metrics: Metrics;
  logger: Logger;
}

export type { RunningListener };

/**
 * Starts the inbound listener. Requires TLS material (call only once `material.snapshot()` is set):
 * the server is created with the current contexts and then follows every rebuild with
 * `server.setSecureContext` — open connections keep the context they started with.
 * @throws SidecarError `TLS_MATERIAL_UNAVAILABLE` before the first snapshot; `LISTEN_FAILED`.
 */
export async function startInbound(route: InboundRoute, deps: ListenerDeps): Promise<RunningListener> {
  const { material, tracker, limits, metrics, logger } = deps;
  const key = acceptKey(route.accept);
  const labels = { direction: 'inbound', route: route.name };
  const counted = bindRouteMetrics(metrics, 'inbound', route.name);
  const initial = requireSnapshot(material);
  let snap: TlsSnapshot = initial;
  const overLimit = new WeakSet<Socket>();

  const server: Server = createServer({
    ...initial.inbound.get(key),
    requestCert: true,
    // Verification result is read by hand below so that every refusal has a reason code.
    rejectUnauthorized: false,
    handshakeTimeout: limits.handshakeTimeoutMs,
    allowHalfOpen: true,
  });
  const unsubscribe = material.onChange((next) => {
    const options = next.inbound.get(key);
    if (!options) return;
    server.setSecureContext({ ...options });
    snap = next;
  });

  // Runs before the TLS layer wraps the socket, so a connection over the limit costs no handshake.
  server.prependListener('connection', (raw: Socket) => {
    if (tracker.admit(raw)) return;
    overLimit.add(raw);
    refuse(raw, 'MAX_CONNECTIONS');
    raw.destroy();
  });

  server.on('tlsClientError', (err: NodeJS.ErrnoException, tls: TLSSocket) => {
    if (overLimit.has(parentOf(tls) as Socket)) return;
    refuse(tls, err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT' ? 'HANDSHAKE_TIMEOUT' : 'HANDSHAKE_FAILED', {
      error: err.code ?? err.message,
    });
    // Node only reports a handshake timeout or failure here; the socket is ours to close.
    tls.destroy();
  });

  server.on('secureConnection', (tls: TLSSocket) => {
    // From here on errors are ours to handle (a reset client must never crash the process);
    // splice tears both sides down on error, and before it a close is handled in forward().
    tls.on('error', ignore);
    // The X509Certificate view, not getPeerCertificate(): that builds the whole legacy object
    // (three fingerprints, the public key, every name) on each connection, about 6% of the
    // inbound's CPU per handshake in bench/sidecar; only the SAN and the serial are needed.
    const cert = tls.getPeerX509Certificate();
    if (!cert) return reset(tls, 'NO_PEER_CERTIFICATE');
    if (!tls.authorized) {
      // What the refused certificate claims (peer-controlled; logged as data, never a metric label).
      return reset(tls, 'CERT_UNTRUSTED', {
        error: String(tls.authorizationError),
        claimed: uriSans(cert.subjectAltName)[0] ?? null,
      });
    }
    const decision = authorizePeer(cert.subjectAltName, snap.trustDomain, route.accept);
    if (!decision.ok) return reset(tls, decision.reason, { peer: decision.id ?? null });
    forward(tls, decision.id, cert.serialNumber.toLowerCase());
  });

  function forward(tls: TLSSocket, peer: string, serial: string | undefined): void {
    tls.setNoDelay(true);
    tls.pause();
    const local = connect({ host: route.forward.host, port: route.forward.port, allowHalfOpen: true, noDelay: true });
    const fail = (err: NodeJS.ErrnoException) => {
      // Target down: a clean TLS close for the client (close_notify + FIN), never a crash.
      counted.failed('FORWARD_FAILED');
      logger.log('warn', 'forward_failed', {
        ...labels,
        peer,
        target: formatHostPort(route.forward),
        error: err.code ?? err.message,
      });
      // destroySoon: end (close_notify + FIN), then close once flushed — a half-open socket
      // would otherwise wait for a client that has nothing left to say.
      tls.destroySoon();
    };
    const abandon = () => local.destroy();
    // A forward target that never answers the SYN must not hold the slot for minutes.
    const connectTimeout = () =>
      local.destroy(Object.assign(new Error('forward connect timed out'), { code: 'ETIMEDOUT' }));
    local.setTimeout(limits.handshakeTimeoutMs);
    local.once('timeout', connectTimeout);
    local.once('error', fail);
    tls.once('close', abandon);
    local.once('connect', () => {
      local.off('error', fail);
      local.off('timeout', connectTimeout);
      tls.off('close', abandon);
      if (tls.destroyed) return void local.destroy();
      tracker.activate(parentOf(tls) ?? tls);
      counted.accepted.add();
      counted.open.add(1);
      logger.log('info', 'peer_accepted', { ...labels, peer, serial, resumed: tls.isSessionReused() });
      tracker.trackPair(tls, local);
      splice(tls, local, limits.idleTimeoutMs, (r) => {
        counted.open.add(-1);
        counted.fromPeer.add(r.aToB);
        counted.toPeer.add(r.bToA);
      });
    });
  }

  function refuse(socket: Socket, reason: string, fields: Record<string, unknown> = {}): void {
    counted.refused(reason);
    logger.log('warn', 'peer_refused', {
      ...labels,
      reason,
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
      ...fields,
    });
  }

  function reset(tls: TLSSocket, reason: string, fields: Record<string, unknown> = {}): void {
    refuse(tls, reason, fields);
    // Destroyed inside the handshake callback, before OpenSSL's TLS 1.3 session tickets are
    // flushed: the dialling sidecar sees the connection end without a ticket, which is how it
    // tells "my certificate was refused" (fall back) from "accepted, then the service closed".
    // (Not resetAndDestroy() on the raw socket: Node 20 segfaults if the TLS socket is then
    // destroyed in the same or next tick.)
    tls.destroy();
  }

  return listenRoute(server, route, logger, unsubscribe);
}

function ignore(): void {
  // Errors are acted upon through 'close' and the splice's own handler.
}

/** The raw TCP socket under a server-side TLS socket (`_parent`, not in Node's typings). */
function parentOf(tls: TLSSocket): Socket | undefined {
  return (tls as unknown as { _parent?: Socket })._parent;
}

function requireSnapshot(material: TlsMaterial): TlsSnapshot {
  const s = material.snapshot();
  if (!s) throw new SidecarError('TLS_MATERIAL_UNAVAILABLE');
  return s;
}
