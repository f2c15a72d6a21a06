import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { KeystoreError } from '@trustmesh/keystore';
import { PkiError } from '@trustmesh/pki';
import { PolicyError } from '@trustmesh/policy';
import { StoreError } from '@trustmesh/store';
import { SignerError } from './errors';

/** Trailing metadata key carrying the stable reason code of every failed call. */
export const REASON_KEY = 'trustmesh-reason';
/** Trailing metadata key carrying the retry hint (milliseconds) of RESOURCE_EXHAUSTED. */
export const RETRY_AFTER_KEY = 'retry-after-ms';

/** A decision outcome as written to the audit log and metrics. */
export type Outcome = 'denied' | 'error';

/** The gRPC status, reason and audit outcome for a failure. */
export interface MappedError {
  code: status;
  reason: string;
  message: string;
  outcome: Outcome;
  retryAfterMs?: number;
}

const SIGNER: Record<SignerError['code'], status> = {
  FIELD_MISSING: status.INVALID_ARGUMENT,
  AUTH_REQUIRED: status.UNAUTHENTICATED,
  PEER_CERT_INVALID: status.UNAUTHENTICATED,
  PEER_IDENTITY_MISMATCH: status.PERMISSION_DENIED,
  RATE_LIMITED: status.RESOURCE_EXHAUSTED,
  STREAM_LIMIT: status.RESOURCE_EXHAUSTED,
  NO_ACTIVE_CA: status.UNAVAILABLE,
  CA_EXPIRING: status.UNAVAILABLE,
  SHUTTING_DOWN: status.UNAVAILABLE,
  ARGS_INVALID: status.INTERNAL,
  STATE_INVALID: status.INTERNAL,
  LISTEN_FAILED: status.INTERNAL,
};

// Well-formed requests that policy forbids are PERMISSION_DENIED; malformed ones INVALID_ARGUMENT.
const POLICY_DENIED = new Set([
  'SAN_NOT_ALLOWED',
  'URI_SAN_MISMATCH',
  'KEY_TYPE_NOT_ALLOWED',
  'KEY_TOO_WEAK',
  'EXTENSION_NOT_ALLOWED',
  'CA_REQUESTED',
  'TTL_INVALID',
]);
// Peer chain failures (renewal, status reports) mean the caller is not who it claims.
const PKI_UNAUTHENTICATED = new Set(['CHAIN_INVALID', 'CHAIN_EXPIRED', 'CHAIN_NOT_YET_VALID', 'CHAIN_UNTRUSTED']);
// Token problems: unknown/spent tokens do not authenticate; a token for another identity is denied.
const TOKEN_DENIED = new Set(['TOKEN_WRONG_TYPE', 'TOKEN_WRONG_INSTANCE']);
const TOKEN_UNAUTHENTICATED = new Set(['TOKEN_UNKNOWN', 'TOKEN_USED', 'TOKEN_EXPIRED', 'TOKEN_REVOKED']);

/**
 * The one mapping from domain errors to gRPC: PkiError, PolicyError, StoreError, KeystoreError
 * and SignerError keep their stable `code` as the reason; anything else is INTERNAL with reason
 * `INTERNAL` and a fixed message, so no internals leak. DB_LOCKED is UNAVAILABLE (retryable).
 */
export function mapError(err: unknown): MappedError {
  if (err instanceof SignerError) {
    const code = SIGNER[err.code];
    const internal = code === status.INTERNAL;
    return {
      code,
      reason: err.code,
      message: err.message,
      outcome: internal ? 'error' : 'denied',
      ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    };
  }
  if (err instanceof PolicyError) {
    const code = POLICY_DENIED.has(err.code) ? status.PERMISSION_DENIED : status.INVALID_ARGUMENT;
    return { code, reason: err.code, message: safeMessage(err), outcome: 'denied' };
  }
  if (err instanceof PkiError) {
    const code = PKI_UNAUTHENTICATED.has(err.code) ? status.UNAUTHENTICATED : status.INVALID_ARGUMENT;
    return { code, reason: err.code, message: safeMessage(err), outcome: 'denied' };
  }
  if (err instanceof StoreError) {
    if (TOKEN_DENIED.has(err.code))
      return { code: status.PERMISSION_DENIED, reason: err.code, message: safeMessage(err), outcome: 'denied' };
    if (TOKEN_UNAUTHENTICATED.has(err.code))
      return { code: status.UNAUTHENTICATED, reason: err.code, message: safeMessage(err), outcome: 'denied' };
    if (err.code === 'DB_LOCKED')
      return { code: status.UNAVAILABLE, reason: err.code, message: err.message, outcome: 'error', retryAfterMs: 100 };
    return internal();
  }
  if (err instanceof KeystoreError) return internal();
  return internal();
}

/**
 * The error's fixed per-code message without its `detail` (details name local specifics, which
 * are for the signer's operator, not for a remote caller).
 */
function safeMessage(err: Error & { detail?: string }): string {
  return err.detail ? err.message.replace(` (${err.detail})`, '').replace(`: ${err.detail}`, '') : err.message;
}

function internal(): MappedError {
  return { code: status.INTERNAL, reason: 'INTERNAL', message: 'internal error', outcome: 'error' };
}

/** Builds the grpc-js error for `m`: status code, fixed message, reason (and retry hint) trailers. */
export function toServiceError(m: MappedError): Partial<ServiceError> {
  const metadata = new Metadata();
  metadata.set(REASON_KEY, m.reason);
  if (m.retryAfterMs !== undefined) metadata.set(RETRY_AFTER_KEY, String(m.retryAfterMs));
  return { code: m.code, details: m.message, metadata };
}
