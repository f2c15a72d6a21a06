/**
 * Typed errors of libs/policy. Every failure that leaves this library is a {@link PolicyError}
 * with a stable `code` and one fixed, user-safe message per code; the specifics go to `detail`,
 * and config validation lists every problem in `issues` (each with its path in the document).
 */

/** Stable error codes. Callers switch on these; the set only grows. */
export type PolicyErrorCode =
  | 'CONFIG_INVALID'
  | 'TYPE_UNKNOWN'
  | 'TYPE_NAME_INVALID'
  | 'TRUST_DOMAIN_INVALID'
  | 'DURATION_INVALID'
  | 'INSTANCE_ID_INVALID'
  | 'SAN_NOT_ALLOWED'
  | 'URI_SAN_MISMATCH'
  | 'KEY_TYPE_NOT_ALLOWED'
  | 'KEY_TOO_WEAK'
  | 'EXTENSION_NOT_ALLOWED'
  | 'CA_REQUESTED'
  | 'TTL_INVALID';

const MESSAGES: Record<PolicyErrorCode, string> = {
  CONFIG_INVALID: 'mesh config is invalid',
  TYPE_UNKNOWN: 'service type is not defined in the mesh config',
  TYPE_NAME_INVALID: 'service type name is invalid',
  TRUST_DOMAIN_INVALID: 'trust domain is invalid',
  DURATION_INVALID: 'duration is invalid',
  INSTANCE_ID_INVALID: 'instance id is invalid',
  SAN_NOT_ALLOWED: 'a requested subject alternative name is not allowed for this service type',
  URI_SAN_MISMATCH: 'the requested URI SAN is not the SPIFFE ID of this instance',
  KEY_TYPE_NOT_ALLOWED: 'key type is not allowed for this service type',
  KEY_TOO_WEAK: 'key is too weak',
  EXTENSION_NOT_ALLOWED: 'the request asks for an extension that is not allowed',
  CA_REQUESTED: 'the request asks for a CA certificate',
  TTL_INVALID: 'requested lifetime is invalid',
};

/** One problem found in a mesh config: `path` is like `types.api.dials[0]`; `line` is 1-based. */
export interface PolicyIssue {
  path: string;
  message: string;
  line?: number;
}

/**
 * The only error type libs/policy throws on bad input. `message` is fixed per `code` (safe to
 * show to a remote caller), except that CONFIG_INVALID appends every issue so an operator sees
 * the whole list in one line of output; `detail` names the specific problem.
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly code: PolicyErrorCode;
  readonly detail?: string;
  readonly issues?: PolicyIssue[];

  constructor(code: PolicyErrorCode, detail?: string, issues?: PolicyIssue[]) {
    super(`policy: ${MESSAGES[code]}${detail ? ` (${detail})` : ''}`);
    this.code = code;
    this.detail = detail;
    if (issues) this.issues = issues;
  }
}

/** The fixed message for a code, without the `policy:` prefix or detail. */
export function policyErrorMessage(code: PolicyErrorCode): string {
  return MESSAGES[code];
}

/** True when `err` is a PolicyError, optionally with the given code. */
export function isPolicyError(err: unknown, code?: PolicyErrorCode): err is PolicyError {
  return err instanceof PolicyError && (code === undefined || err.code === code);
}

/** Formats issues as `path: message` joined by `; ` (for one-line CLI errors). */
export function formatIssues(issues: readonly PolicyIssue[]): string {
  return issues.map((i) => `${i.path || '(document)'}${i.line ? ` (line ${i.line})` : ''}: ${i.message}`).join('; ');
}
