/**
 * The sidecar's gRPC client of the signer. Two channels over TLS, both trusting only the platform
 * root (`signer.caFile`): an anonymous one for bootstrap issuance and the trust bundle, and an
 * mTLS one that presents our current identity, for renewal and ReportStatus. The mTLS channel is
 * rebuilt whenever the identity changes. Every failure becomes a {@link ControlError} carrying the
 * gRPC status and the signer's `trustmesh-reason` trailer.
 */
import {
  ChannelCredentials,
  credentials,
  Metadata,
  status,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import {
  CertificateAuthorityClient,
  type SignResponse,
  type StatusReport,
  type StatusReportAck,
  type TrustBundle as WireBundle,
} from '@trustmesh/proto';
import type { HostPort } from '../config/types';
import { formatHostPort } from '../config/types';
import type { Identity } from '../identity/identity';
import { ControlError } from './errors';
import { checkSignerCaPem } from './signer-ca';

/** Trailing metadata keys set by the signer on every failed call. */
export const REASON_KEY = 'trustmesh-reason';
export const RETRY_AFTER_KEY = 'retry-after-ms';

/** Options of {@link SignerClient}. */
export interface SignerClientOptions {
  address: HostPort;
  /** PEM of the platform root that signs the signer's serving certificate. */
  caPem: string | Buffer;
  /** Deadline of unary calls. Default 10 s. */
  deadlineMs?: number;
  /** Upper bound of grpc-js's own reconnect backoff. Default 5 s, so a returning signer is seen quickly. */
  reconnectMaxMs?: number;
}

/** A request for a certificate. Without `bootstrapToken`, the mTLS channel (renewal) is used. */
export interface SignCall {
  csr: Buffer;
  serviceType: string;
  instanceId: string;
  bootstrapToken?: string;
}

/** An open WatchTrustBundle stream. */
export interface WatchHandle {
  cancel(): void;
}

/** Callbacks of {@link SignerClient.watchTrustBundle}; exactly one of `onEnd` fires, once. */
export interface WatchCallbacks {
  onBundle(b: WireBundle): void;
  /** The stream is over: `err` undefined when the signer ended it cleanly. Not called after `cancel`. */
  onEnd(err: ControlError | undefined): void;
}

const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * grpc-js client pair for the signer. Methods never throw synchronously; promises reject with
 * {@link ControlError} only. `close()` is final.
 */
export class SignerClient {
  private readonly target: string;
  private readonly caPem: Buffer;
  private readonly deadlineMs: number;
  private readonly channelOptions: Record<string, number>;
  private readonly anon: CertificateAuthorityClient;
  private mtls: { serial: string; client: CertificateAuthorityClient } | undefined;
  private readonly channelListeners: (() => void)[] = [];
  private closed = false;

  /** @throws ControlError `CA_FILE_UNREADABLE` when `caPem` holds no usable certificate ({@link checkSignerCaPem}). */
  constructor(o: SignerClientOptions) {
    checkSignerCaPem(o.caPem);
    const caPem = Buffer.from(o.caPem);
    this.caPem = caPem;
    this.target = formatHostPort(o.address);
    this.deadlineMs = o.deadlineMs ?? 10_000;
    const reconnectMax = o.reconnectMaxMs ?? 5000;
    this.channelOptions = {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      'grpc.initial_reconnect_backoff_ms': Math.min(500, reconnectMax),
      'grpc.max_reconnect_backoff_ms': reconnectMax,
      'grpc.min_reconnect_backoff_ms': Math.min(200, reconnectMax),
    };
    this.anon = new CertificateAuthorityClient(this.target, credentials.createSsl(caPem), this.channelOptions);
  }

  /**
   * Presents `identity` on the mTLS channel from now on (rebuilt when the serial changes; the old
   * channel is closed once its calls had time to finish). `undefined` drops the mTLS channel.
   */
  setIdentity(identity: Identity | undefined): void {
    if (this.closed || this.mtls?.serial === identity?.serialHex) return;
    const old = this.mtls;
    this.mtls = identity
      ? {
          serial: identity.serialHex,
          client: new CertificateAuthorityClient(this.target, this.mtlsCredentials(identity), this.channelOptions),
        }
      : undefined;
    if (old) setTimeout(() => old.client.close(), this.deadlineMs).unref();
    for (const listener of this.channelListeners) listener();
  }

  /**
   * Calls `listener` after every change of the mTLS channel (first identity, renewal, dropped
   * identity). The trust manager re-opens its watch then: the signer sends the renew-before hint
   * of a rotation only to callers that present a certificate of the rotating type.
   */
  onChannelChange(listener: () => void): void {
    this.channelListeners.push(listener);
  }

  /** Bundles go over mTLS once we hold an identity (so the signer knows our type), else over TLS. */
  private bundleClient(): CertificateAuthorityClient {
    return this.mtls?.client ?? this.anon;
  }

  /** True while an identity is presented on the mTLS channel. */
  get hasIdentity(): boolean {
    return this.mtls !== undefined;
  }

  /**
   * Sign: with a bootstrap token over the anonymous channel, else as a renewal over mTLS.
   * @throws ControlError — `SIGNER_DENIED` (UNAUTHENTICATED/PERMISSION_DENIED, `reason` e.g. TOKEN_USED),
   *   `SIGNER_REJECTED`, `SIGNER_UNAVAILABLE`, `SIGNER_RATE_LIMITED`, `SIGNER_FAILED`; `SIGNER_DENIED`
   *   with reason `NO_IDENTITY` for a renewal without an identity.
   */
  sign(call: SignCall): Promise<SignResponse> {
    const client = call.bootstrapToken ? this.anon : this.mtls?.client;
    if (!client)
      return Promise.reject(new ControlError('SIGNER_DENIED', 'renewal needs an identity', { reason: 'NO_IDENTITY' }));
    const req = {
      csr: call.csr,
      serviceType: call.serviceType,
      instanceId: call.instanceId,
      bootstrapToken: call.bootstrapToken ?? '',
    };
    return this.unary((cb) => client.sign(req, new Metadata(), { deadline: this.deadline() }, cb));
  }

  /** GetTrustBundle for `types` (all when empty), over mTLS once an identity is held. Same errors as {@link sign}. */
  getTrustBundle(types: readonly string[]): Promise<WireBundle> {
    const client = this.bundleClient();
    return this.unary((cb) =>
      client.getTrustBundle({ serviceTypes: [...types] }, new Metadata(), { deadline: this.deadline() }, cb),
    );
  }

  /** ReportStatus over mTLS. Same errors as {@link sign}. */
  reportStatus(report: StatusReport): Promise<StatusReportAck> {
    const client = this.mtls?.client;
    if (!client)
      return Promise.reject(new ControlError('SIGNER_DENIED', 'status needs an identity', { reason: 'NO_IDENTITY' }));
    return this.unary((cb) => client.reportStatus(report, new Metadata(), { deadline: this.deadline() }, cb));
  }

  /** Opens a WatchTrustBundle stream (no deadline: it lives until cancelled or broken), over mTLS once an identity is held. */
  watchTrustBundle(types: readonly string[], cb: WatchCallbacks): WatchHandle {
    let over = false;
    const end = (err: ControlError | undefined) => {
      if (over) return;
      over = true;
      cb.onEnd(err);
    };
    if (this.closed) {
      queueMicrotask(() => end(new ControlError('SIGNER_UNAVAILABLE', 'client closed')));
      return { cancel: () => (over = true) };
    }
    const stream: ClientReadableStream<WireBundle> = this.bundleClient().watchTrustBundle({ serviceTypes: [...types] });
    stream.on('data', (b: WireBundle) => {
      if (!over) cb.onBundle(b);
    });
    stream.on('error', (e: ServiceError) => end(toControlError(e)));
    stream.on('end', () => end(undefined));
    return {
      cancel: () => {
        over = true;
        stream.cancel();
      },
    };
  }

  /** Closes both channels; later calls fail with `SIGNER_UNAVAILABLE`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.anon.close();
    this.mtls?.client.close();
    this.mtls = undefined;
  }

  private mtlsCredentials(identity: Identity): ChannelCredentials {
    return credentials.createSsl(this.caPem, Buffer.from(identity.keyPem), Buffer.from(identity.chainPem));
  }

  private deadline(): Date {
    // gRPC deadlines are wall-clock; the injected test clock must not shorten them.
    return new Date(Date.now() + this.deadlineMs);
  }

  private unary<T>(start: (cb: (err: ServiceError | null, res?: T) => void) => unknown): Promise<T> {
    if (this.closed) return Promise.reject(new ControlError('SIGNER_UNAVAILABLE', 'client closed'));
    return new Promise<T>((resolve, reject) => {
      start((err, res) => (err ? reject(toControlError(err)) : resolve(res as T)));
    });
  }
}

/** Maps a grpc-js error (status + trailers) to a {@link ControlError}. */
export function toControlError(err: ServiceError): ControlError {
  const first = (key: string): string | undefined => {
    const v = err.metadata?.get(key)[0];
    return v === undefined ? undefined : String(v);
  };
  const reason = first(REASON_KEY);
  const retry = Number(first(RETRY_AFTER_KEY));
  const facts = {
    grpcCode: err.code,
    ...(reason ? { reason } : {}),
    ...(Number.isFinite(retry) && retry > 0 ? { retryAfterMs: retry } : {}),
  };
  const detail = `${status[err.code] ?? err.code}${reason ? ` ${reason}` : ''}: ${err.details}`;
  switch (err.code) {
    case status.UNAUTHENTICATED:
    case status.PERMISSION_DENIED:
      return new ControlError('SIGNER_DENIED', detail, facts);
    case status.INVALID_ARGUMENT:
    case status.NOT_FOUND:
    case status.FAILED_PRECONDITION:
    case status.OUT_OF_RANGE:
    case status.UNIMPLEMENTED:
      return new ControlError('SIGNER_REJECTED', detail, facts);
    case status.RESOURCE_EXHAUSTED:
      return new ControlError('SIGNER_RATE_LIMITED', detail, facts);
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
    case status.CANCELLED:
    case status.ABORTED:
      return new ControlError('SIGNER_UNAVAILABLE', detail, facts);
    default:
      return new ControlError('SIGNER_FAILED', detail, facts);
  }
}
