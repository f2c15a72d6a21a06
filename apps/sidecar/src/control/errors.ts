/**
 * Typed errors of the sidecar's control plane (the signer client and the managers around it).
 * Every failure that leaves `control/` is a {@link ControlError} with a stable `code` and one
 * fixed, user-safe message per code. A signer refusal also carries the signer's stable
 * `trustmesh-reason` (e.g. `TOKEN_USED`) in `reason` and the gRPC status in `grpcCode`.
 */

/** Stable error codes of the control plane. Callers switch on these; the set only grows. */
export type ControlErrorCode =
  | 'SIGNER_UNAVAILABLE'
  | 'SIGNER_RATE_LIMITED'
  | 'SIGNER_DENIED'
  | 'SIGNER_REJECTED'
  | 'SIGNER_FAILED'
  | 'RESPONSE_INVALID'
  | 'TOKEN_UNREADABLE'
  | 'CA_FILE_UNREADABLE'
  | 'KEY_FILE_FAILED'
  | 'ARGS_INVALID';

const MESSAGES: Record<ControlErrorCode, string> = {
  SIGNER_UNAVAILABLE: 'signer: unreachable or unavailable, will retry',
  SIGNER_RATE_LIMITED: 'signer: rate limited, will retry later',
  SIGNER_DENIED: 'signer: the request was not authenticated or not permitted',
  SIGNER_REJECTED: 'signer: the request was rejected as invalid',
  SIGNER_FAILED: 'signer: internal failure',
  RESPONSE_INVALID: 'signer: the response is unusable',
  TOKEN_UNREADABLE: 'identity: the bootstrap token file cannot be read or is empty',
  CA_FILE_UNREADABLE: 'signer: the signer CA file cannot be read or holds no certificate',
  KEY_FILE_FAILED: 'identity: the key file cannot be read or written',
  ARGS_INVALID: 'sidecar: invalid arguments',
};

/** Codes worth retrying as they are: the next attempt may succeed without anyone acting. */
const TRANSIENT: ReadonlySet<ControlErrorCode> = new Set([
  'SIGNER_UNAVAILABLE',
  'SIGNER_RATE_LIMITED',
  'SIGNER_FAILED',
]);

/** Extra facts of a {@link ControlError}. */
export interface ControlErrorFacts {
  /** The signer's `trustmesh-reason` trailer, when it sent one. */
  reason?: string;
  /** The gRPC status code of the failed call. */
  grpcCode?: number;
  /** The signer's `retry-after-ms` hint (RESOURCE_EXHAUSTED). */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A control-plane failure with a stable code; `message` is fixed per code and safe to show. */
export class ControlError extends Error {
  /** Stable machine-readable code. */
  readonly code: ControlErrorCode;
  /** Specifics (which file, which field); may name paths, never secrets. */
  readonly detail?: string;
  readonly reason?: string;
  readonly grpcCode?: number;
  readonly retryAfterMs?: number;

  constructor(code: ControlErrorCode, detail?: string, facts: ControlErrorFacts = {}) {
    super(MESSAGES[code], facts.cause === undefined ? undefined : { cause: facts.cause });
    this.name = 'ControlError';
    this.code = code;
    this.detail = detail;
    this.reason = facts.reason;
    this.grpcCode = facts.grpcCode;
    this.retryAfterMs = facts.retryAfterMs;
  }

  /** True when retrying unchanged may succeed (signer down, busy or failing internally). */
  get transient(): boolean {
    return TRANSIENT.has(this.code);
  }
}

/** `code` (and `reason`) of any error, for logs. */
export function describeError(err: unknown): { code: string; reason?: string; detail?: string } {
  const e = err as { code?: unknown; reason?: unknown; detail?: unknown; message?: unknown } | undefined;
  return {
    code: typeof e?.code === 'string' ? e.code : 'UNEXPECTED',
    ...(typeof e?.reason === 'string' ? { reason: e.reason } : {}),
    ...(typeof e?.detail === 'string'
      ? { detail: e.detail }
      : typeof e?.message === 'string'
        ? { detail: e.message }
        : {}),
  };
}
