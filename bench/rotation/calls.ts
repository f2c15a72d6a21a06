/**
 * gRPC calls of a simulated sidecar, with the sidecar's retry rule: RESOURCE_EXHAUSTED (the
 * signer's rate limit) is a retry after at least its `retry-after-ms`, counted as such and never as
 * a failure; any other error is a failure, also retried with backoff (a real sidecar retries
 * forever) until the caller's deadline, after which the last error is thrown.
 */
import { credentials, Metadata, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import type { KeyObject } from 'node:crypto';
import { exportPrivateKey, pemEncode } from '@trustmesh/pki';
import { CertificateAuthorityClient, type SignRequest, type SignResponse, type StatusReport } from '@trustmesh/proto';
import { backoffDelayMs, DEFAULT_BACKOFF } from '@trustmesh/policy';

/** channelz bookkeeping costs the load generator CPU per call; nothing reads it here. */
export const CLIENT_OPTIONS = { 'grpc.enable_channelz': 0 };
/** Deadline of one call (a flood of handshakes on 2 cores can be slow, but not this slow). */
const CALL_DEADLINE_MS = 15_000;

/** Outcome counters of a phase. */
export class Counters {
  rateLimited = 0;
  failures = 0;
  firstFailure: string | undefined;

  fail(e: unknown): void {
    this.failures++;
    this.firstFailure ??= describe(e);
  }
}

/**
 * mTLS credentials of an identity. grpc-js builds the TLS secure context here (eagerly), so a
 * sidecar pays this once per certificate it receives, not per call.
 */
export function mtlsCredentials(rootPem: Buffer, id: { key: KeyObject; chain: Buffer[] }): ChannelCredentials {
  return credentials.createSsl(
    rootPem,
    Buffer.from(exportPrivateKey(id.key, 'pem') as string),
    Buffer.from(id.chain.map((d) => pemEncode('CERTIFICATE', d)).join('')),
  );
}

/** A client over TLS (no client certificate: the token path) or over mTLS with `creds`. */
export function caClient(target: string, rootPem: Buffer, creds?: ChannelCredentials): CertificateAuthorityClient {
  return new CertificateAuthorityClient(target, creds ?? credentials.createSsl(rootPem), CLIENT_OPTIONS);
}

/** One Sign call. */
export function sign(client: CertificateAuthorityClient, req: SignRequest): Promise<SignResponse> {
  return new Promise((resolve, reject) => {
    client.sign(req, new Metadata(), { deadline: Date.now() + CALL_DEADLINE_MS }, (err, res) =>
      err ? reject(err) : resolve(res as SignResponse),
    );
  });
}

/** One ReportStatus call. */
export function report(client: CertificateAuthorityClient, r: StatusReport): Promise<void> {
  return new Promise((resolve, reject) => {
    client.reportStatus(r, new Metadata(), { deadline: Date.now() + CALL_DEADLINE_MS }, (err) =>
      err ? reject(err) : resolve(),
    );
  });
}

/** Runs `op` until it succeeds or `deadline` (epoch ms) passes; see the module comment. */
export async function withRetry<T>(op: () => Promise<T>, counters: Counters, deadline: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (e) {
      const retryAfter = rateLimitRetryAfter(e);
      if (retryAfter === undefined) counters.fail(e);
      else counters.rateLimited++;
      const delay = backoffDelayMs(attempt, Math.random(), DEFAULT_BACKOFF, retryAfter);
      if (Date.now() + delay > deadline) throw e;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** The retry hint of a RESOURCE_EXHAUSTED answer (0 when the signer sent none); undefined for other errors. */
function rateLimitRetryAfter(e: unknown): number | undefined {
  const err = e as Partial<ServiceError>;
  if (err.code !== status.RESOURCE_EXHAUSTED) return undefined;
  const v = err.metadata?.get('retry-after-ms')[0];
  const ms = Number(v ?? 0);
  return Number.isFinite(ms) && ms >= 0 ? ms : 0;
}

function describe(e: unknown): string {
  const err = e as Partial<ServiceError>;
  const reason = err.metadata?.get('trustmesh-reason')[0];
  return `${err.code !== undefined ? `${status[err.code]} ` : ''}${reason ? `${String(reason)}: ` : ''}${e instanceof Error ? e.message : String(e)}`;
}
