/**
 * Opens the mTLS leg of an outbound connection, with the rotation safety net: when the peer
 * refuses our newest certificate we retry once with each older still-valid identity (newest
 * first); when the peer's certificate does not verify we ask the trust source for one refresh and
 * retry. Bytes the local client sends meanwhile are forwarded at once and kept (bounded) so a
 * retry can replay them: nothing is lost, nothing waits.
 */
import type { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { OutboundRoute } from '../config/types';
import type { Identity } from '../identity/identity';
import { authorizePeer, type PeerRefusal } from '../tls/spiffe';
import type { OutboundContext, TlsSnapshot } from '../tls/tls-material';

/** A committed connection: the peer accepted us and named `peerType`. */
export interface Dialled {
  readonly ok: true;
  readonly tls: TLSSocket;
  readonly peer: string;
  readonly identity: Identity;
  readonly resumed: boolean;
}

/** Why the dial gave up; stable codes for logs and metrics. */
export type DialFailure =
  | 'NO_IDENTITY'
  | 'CONNECT_FAILED'
  | 'HANDSHAKE_TIMEOUT'
  | 'PEER_REJECTED'
  | 'CERT_UNTRUSTED'
  | 'LOCAL_CLOSED'
  | PeerRefusal;

/** Outcome of {@link dialWithFallback}. */
export type DialOutcome = Dialled | { readonly ok: false; readonly reason: DialFailure; readonly error?: string };

/** What the dialer needs from its surroundings. */
export interface DialEnv {
  readonly route: OutboundRoute;
  /** Latest TLS snapshot (re-read after a trust refresh). */
  snapshot(): TlsSnapshot | undefined;
  /** One trust refresh; must settle within the handshake timeout. */
  refreshTrust(): Promise<void>;
  /** Counts one fallback of `kind`. */
  fellBack(kind: 'identity' | 'trust_refresh', reason: string): void;
  /** TLS sessions per identity generation, with the SPIFFE ID verified when each was made. */
  readonly sessions: Map<string, CachedSession>;
  readonly handshakeTimeoutMs: number;
  readonly now: () => Date;
}

/** A resumable session and the peer it was verified for (a resumed handshake carries no peer chain). */
export interface CachedSession {
  readonly session: Buffer;
  readonly peer: string;
}

/** Bytes kept for replay; beyond this the connection simply cannot fall back any more. */
export const REPLAY_LIMIT = 64 * 1024;
/** How long after the handshake a reset still counts as "the peer refused our certificate". */
export const PROBATION_MS = 1000;

type Attempt =
  | { kind: 'ok'; tls: TLSSocket; peer: string; resumed: boolean }
  | {
      kind: 'rejected' | 'untrusted' | 'refused' | 'failed' | 'timeout' | 'local';
      error?: string;
      refusal?: PeerRefusal;
    };

/**
 * Dials `env.route.connect` for the already-accepted, paused `local` socket. Never throws; on
 * failure nothing has been sent to the peer that a retry did not replay.
 */
export async function dialWithFallback(local: Socket, env: DialEnv): Promise<DialOutcome> {
  const replay = new Replay(local);
  try {
    let trustRefreshed = false;
    let index = 0;
    for (let tries = 0; tries < 16; tries += 1) {
      const candidates = usable(env);
      const ctx = candidates[index];
      if (!ctx) return { ok: false, reason: 'NO_IDENTITY' };
      const r = await attempt(ctx, env, replay);
      if (r.kind === 'ok') return { ok: true, tls: r.tls, peer: r.peer, identity: ctx.identity, resumed: r.resumed };
      if (r.kind === 'rejected' && replay.replayable && index + 1 < candidates.length) {
        index += 1;
        env.fellBack('identity', r.error ?? 'PEER_REJECTED');
        continue;
      }
      if (r.kind === 'untrusted' && !trustRefreshed && replay.replayable) {
        trustRefreshed = true;
        env.fellBack('trust_refresh', r.error ?? 'CERT_UNTRUSTED');
        await withTimeout(env.refreshTrust(), env.handshakeTimeoutMs);
        continue;
      }
      return { ok: false, reason: failureOf(r), error: r.error };
    }
    return { ok: false, reason: 'PEER_REJECTED' };
  } finally {
    replay.release();
  }
}

function usable(env: DialEnv): readonly OutboundContext[] {
  const t = env.now().getTime();
  return (env.snapshot()?.outbound.get(env.route.peerType) ?? []).filter((c) => c.identity.notAfter.getTime() > t);
}

function failureOf(r: Attempt): DialFailure {
  switch (r.kind) {
    case 'rejected':
      return 'PEER_REJECTED';
    case 'untrusted':
      return 'CERT_UNTRUSTED';
    case 'refused':
      return r.refusal ?? 'TYPE_NOT_ALLOWED';
    case 'timeout':
      return 'HANDSHAKE_TIMEOUT';
    case 'local':
      return 'LOCAL_CLOSED';
    default:
      return 'CONNECT_FAILED';
  }
}

const REFUSALS = new Set<string>(['NO_SPIFFE_ID', 'MULTIPLE_SPIFFE_IDS', 'WRONG_TRUST_DOMAIN', 'TYPE_NOT_ALLOWED']);
// Errors that mean "the peer hung up on our handshake": resets, early closes and TLS alerts.
const REJECTION = /^(ECONNRESET|EPIPE|ERR_SSL_.*ALERT.*)$/;

/** One TLS connection with one identity, through the handshake and the probation window. */
function attempt(ctx: OutboundContext, env: DialEnv, replay: Replay): Promise<Attempt> {
  const snap = env.snapshot();
  const sessionKey = `${snap?.generation}:${ctx.identity.serialHex}`;
  const trustDomain = snap?.trustDomain ?? ctx.identity.spiffe.trustDomain;
  const local = replay.local;
  const cached = env.sessions.get(sessionKey);
  return new Promise((resolve) => {
    let settled = false;
    let peerId = '';
    // Set by checkServerIdentity, which Node calls on every full handshake that verified.
    let verifiedId: string | undefined;
    const cleanups: (() => void)[] = [];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners of several events share this helper
    const on = (emitter: Socket, event: string, fn: (...args: any[]) => void) => {
      emitter.on(event, fn);
      cleanups.push(() => emitter.off(event, fn));
    };
    const options: ConnectionOptions & { allowHalfOpen: boolean } = {
      host: env.route.connect.host,
      port: env.route.connect.port,
      secureContext: ctx.context,
      session: cached?.session,
      allowHalfOpen: true,
      // Verification is read by hand after the handshake so that each failure has a reason.
      rejectUnauthorized: false,
      // Host names are not the check: the server must name the peer type in its SPIFFE ID.
      checkServerIdentity: (_host, cert) => {
        const d = authorizePeer(cert.subjectaltname, trustDomain, [env.route.peerType]);
        if (d.ok) verifiedId = d.id;
        return d.ok ? undefined : Object.assign(new Error(d.reason), { code: d.reason });
      },
    };
    // allowHalfOpen is honoured by tls.connect (passed to the TLSSocket) but missing from the typings.
    const tls = tlsConnect(options);
    tls.setNoDelay(true);
    // Kept for the socket's whole life: TLS 1.3 tickets may arrive at any time.
    tls.on('session', (session: Buffer) => {
      if (peerId) env.sessions.set(sessionKey, { session, peer: peerId });
    });
    const done = (r: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const c of cleanups) c();
      replay.detach();
      if (r.kind !== 'ok') tls.destroy();
      resolve(r);
    };
    const commit = () => {
      tls.pause();
      done({ kind: 'ok', tls, peer: peerId, resumed: tls.isSessionReused() });
    };
    let timer = setTimeout(() => done({ kind: 'timeout' }), env.handshakeTimeoutMs);
    on(local, 'close', () => done({ kind: 'local' }));
    // Before the commit, a reset or an alert (even after our side of the handshake finished)
    // means the peer refused our certificate; anything else is a plain connect failure.
    on(tls, 'error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? e.message;
      done({ kind: REJECTION.test(code) ? 'rejected' : 'failed', error: code });
    });
    on(tls, 'close', () => done({ kind: 'rejected', error: 'CLOSED' }));
    tls.once('secureConnect', () => {
      if (settled) return;
      if (!tls.authorized) {
        const why = String(tls.authorizationError);
        if (REFUSALS.has(why)) return done({ kind: 'refused', refusal: why as PeerRefusal, error: why });
        return done({ kind: 'untrusted', error: why });
      }
      if (tls.isSessionReused() && cached) {
        // Verified (chain and SPIFFE type) when the session was made, under this same generation.
        peerId = cached.peer;
      } else if (verifiedId !== undefined) {
        peerId = verifiedId;
      } else {
        // Fail closed should Node ever skip the hook on a full handshake.
        const d = authorizePeer(tls.getPeerCertificate().subjectaltname, trustDomain, [env.route.peerType]);
        if (!d.ok) return done({ kind: 'refused', refusal: d.reason, error: d.reason });
        peerId = d.id;
      }
      clearTimeout(timer);
      timer = setTimeout(commit, PROBATION_MS);
      // In TLS 1.3 the server checks our certificate after our side of the handshake is over, so
      // acceptance is only known when it speaks. A sidecar that accepts sends its session
      // tickets first (they precede any data or close on the stream); one that refuses closes
      // before any ticket. So in 1.3: a ticket or data commits, an end before either is a
      // refusal. In 1.2 the server decided inside the handshake: an end just passes through.
      const tls13 = tls.getProtocol() === 'TLSv1.3';
      if (tls13) on(tls, 'session', commit);
      on(tls, 'end', () => (tls13 ? done({ kind: 'rejected', error: 'CLOSED_BEFORE_TICKET' }) : commit()));
      on(tls, 'data', (chunk: Buffer) => {
        tls.pause();
        tls.unshift(chunk); // handed to the splice that takes over
        commit();
      });
      replay.attach(tls);
    });
  });
}

/** Forwards local bytes to the current attempt and keeps a bounded copy for a retry. */
class Replay {
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private target: TLSSocket | undefined;
  replayable = true;

  constructor(readonly local: Socket) {
    local.on('data', this.onData);
    local.on('end', this.onEnd);
  }

  /** Sends everything kept so far to `tls`, then forwards live. */
  attach(tls: TLSSocket): void {
    this.target = tls;
    for (const c of this.chunks) tls.write(c);
    if (this.ended) tls.end();
    this.local.resume();
  }

  /** Stops forwarding (attempt over); the local socket is paused for the next owner. */
  detach(): void {
    this.target = undefined;
    this.local.pause();
  }

  /** Drops the copy and the listeners; the caller now owns `local`. */
  release(): void {
    this.local.off('data', this.onData);
    this.local.off('end', this.onEnd);
    this.chunks = [];
  }

  private readonly onData = (chunk: Buffer) => {
    if (this.replayable) {
      this.size += chunk.length;
      if (this.size > REPLAY_LIMIT) {
        this.replayable = false;
        this.chunks = [];
      } else this.chunks.push(chunk);
    }
    const t = this.target;
    if (!t) return;
    if (!t.write(chunk)) {
      this.local.pause();
      t.once('drain', () => {
        if (this.target === t) this.local.resume();
      });
    }
  };

  private readonly onEnd = () => {
    this.ended = true;
    this.target?.end();
  };
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    p.then(
      () => resolve(),
      () => resolve(),
    ).finally(() => clearTimeout(t));
  });
}
