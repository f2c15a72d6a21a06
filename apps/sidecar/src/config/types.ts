/**
 * The sidecar configuration after validation: a deep-frozen, fully defaulted object. Field names
 * follow the root README.md (`serviceType`, `instanceId`, `signer`, `inbound`, `outbound`, `admin`); `limits`,
 * `tlsMinVersion` and `keyFile` are additions with safe defaults.
 */
import type { HostPort } from '@trustmesh/names';

/** A parsed `host:port` (`[v6]:port` for IPv6; libs/names). Port 0 means "any free port" (listen only). */
export type { HostPort };

/** mTLS in, plaintext to the local service. */
export interface InboundRoute {
  /** Route name, unique among all routes: one lowercase DNS label (libs/names). */
  readonly name: string;
  readonly listen: HostPort;
  /** Local plaintext target. */
  readonly forward: HostPort;
  /** Service types allowed to connect; non-empty, no duplicates. */
  readonly accept: readonly string[];
}

/** Plaintext from the local service, mTLS out. */
export interface OutboundRoute {
  readonly name: string;
  /** Local plaintext listener. */
  readonly listen: HostPort;
  /** Remote sidecar inbound. */
  readonly connect: HostPort;
  /** The only service type the remote may present. */
  readonly peerType: string;
}

/** Resource limits. Every field has a safe default (see {@link DEFAULT_LIMITS}). */
export interface Limits {
  /** A connection that has not finished its TLS handshake by then is destroyed. */
  readonly handshakeTimeoutMs: number;
  /** A proxied connection with no bytes in either direction for this long is closed. */
  readonly idleTimeoutMs: number;
  /** Open connections across all listeners; beyond it new ones are refused at accept. */
  readonly maxConnections: number;
  /** On shutdown, open connections get this long to finish before they are destroyed. */
  readonly drainTimeoutMs: number;
}

/** Defaults: 10 s handshake, 5 min idle, 4096 connections, 15 s drain. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 300_000,
  maxConnections: 4096,
  drainTimeoutMs: 15_000,
});

/** The validated `sidecar.yaml`. */
export interface SidecarConfig {
  readonly serviceType: string;
  /** Default: derived from the host name given to the parser. */
  readonly instanceId: string;
  readonly signer: {
    readonly address: HostPort;
    /** PEM file with the platform root that signs the signer's serving certificate. */
    readonly caFile: string;
    /** File holding the one-time bootstrap token. */
    readonly tokenFile: string;
  };
  readonly inbound: readonly InboundRoute[];
  readonly outbound: readonly OutboundRoute[];
  readonly admin: { readonly listen: HostPort };
  /** Optional file keeping the private key across restarts; must be mode 0600. Default: memory only. */
  readonly keyFile?: string;
  /** Lowest TLS version on every listener and dial. Default `TLSv1.3`. */
  readonly tlsMinVersion: 'TLSv1.2' | 'TLSv1.3';
  readonly limits: Limits;
}

/** `host:port` as written in configs and logs (IPv6 in brackets). */
export { formatHostPort } from '@trustmesh/names';
