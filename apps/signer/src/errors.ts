/** Stable codes of {@link SignerError}; each is also the `trustmesh-reason` a client sees. */
export type SignerErrorCode =
  | 'FIELD_MISSING'
  | 'AUTH_REQUIRED'
  | 'PEER_CERT_INVALID'
  | 'PEER_IDENTITY_MISMATCH'
  | 'RATE_LIMITED'
  | 'STREAM_LIMIT'
  | 'NO_ACTIVE_CA'
  | 'CA_EXPIRING'
  | 'SHUTTING_DOWN'
  | 'ARGS_INVALID'
  | 'STATE_INVALID'
  | 'LISTEN_FAILED';

const MESSAGES: Record<SignerErrorCode, string> = {
  FIELD_MISSING: 'a required request field is missing',
  AUTH_REQUIRED: 'a bootstrap token or a valid client certificate is required',
  PEER_CERT_INVALID: 'the client certificate is not a valid workload certificate',
  PEER_IDENTITY_MISMATCH: 'the client certificate is for another service type or instance',
  RATE_LIMITED: 'too many requests, retry later',
  STREAM_LIMIT: 'too many open trust bundle streams',
  NO_ACTIVE_CA: 'no active issuing CA for this service type',
  CA_EXPIRING: 'the issuing CA expires too soon to issue',
  SHUTTING_DOWN: 'the signer is shutting down',
  ARGS_INVALID: 'invalid signer arguments',
  STATE_INVALID: 'the state directory is not usable',
  LISTEN_FAILED: 'the signer could not listen on the address',
};

/**
 * A signer failure with a stable `code` and a fixed, user-safe `message`. `detail` is for logs
 * and operators only (never sent to gRPC clients). `retryAfterMs` accompanies RATE_LIMITED.
 */
export class SignerError extends Error {
  readonly code: SignerErrorCode;
  readonly detail?: string;
  readonly retryAfterMs?: number;

  constructor(code: SignerErrorCode, detail?: string, o: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(MESSAGES[code], o.cause === undefined ? undefined : { cause: o.cause });
    this.name = 'SignerError';
    this.code = code;
    this.detail = detail;
    this.retryAfterMs = o.retryAfterMs;
  }
}
