/**
 * The CLI's own errors and the single mapping from any error to an exit code and one stderr
 * line: `trustmesh: <REASON_CODE>: <message>`.
 */

/** Exit codes: 0 ok, 1 failure, 2 usage error (bad flags, arguments or environment). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Reason codes raised by the CLI itself (libraries bring their own codes). */
export type CliErrorCode =
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'NOT_INITIALIZED'
  | 'ALREADY_INITIALIZED'
  | 'DIR_NOT_EMPTY'
  | 'TYPE_UNKNOWN'
  | 'CA_EXISTS'
  | 'CA_NOT_FOUND'
  | 'TRUST_DOMAIN_MISMATCH'
  | 'FILE_NOT_FOUND'
  | 'FILE_TOO_LARGE'
  | 'AUDIT_TAMPERED'
  | 'CA_CERT_INVALID'
  | 'ROTATION_NOT_SAFE'
  | 'ROTATION_PHASE_INVALID'
  | 'ROTATION_STATE_INVALID';

const MESSAGES: Readonly<Record<CliErrorCode, string>> = {
  USAGE: 'invalid command line',
  CONFIG_INVALID: 'invalid configuration',
  NOT_INITIALIZED: 'the state directory is not initialized (run `trustmesh init --dir D` first)',
  ALREADY_INITIALIZED: 'the state directory already holds a CA; refusing to touch it (`--force` does not exist: keys are never deleted or overwritten by trustmesh)',
  DIR_NOT_EMPTY: 'the state directory is not empty and holds files trustmesh did not make; choose an empty or new directory',
  TYPE_UNKNOWN: 'unknown service type',
  CA_EXISTS: 'this service type already has a CA set',
  CA_NOT_FOUND: 'no CA of that kind for this service type',
  TRUST_DOMAIN_MISMATCH: 'the new mesh config names a different trust domain than the state directory',
  FILE_NOT_FOUND: 'file not found',
  FILE_TOO_LARGE: 'file is too large',
  AUDIT_TAMPERED: 'the audit log was tampered with',
  CA_CERT_INVALID: 'a CA certificate lacks its subject key identifier or validity',
  ROTATION_NOT_SAFE: 'the rotation step is not safe yet (re-run when the fleet has caught up, or --force)',
  ROTATION_PHASE_INVALID: 'this rotation phase cannot run now (phases go prepare, activate, retire)',
  ROTATION_STATE_INVALID: 'the stored rotation state of this type is unreadable or contradicts its CA records',
};

/** An error of the CLI. `detail` is appended to the fixed message after a colon. */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly detail?: string;
  readonly exitCode: number;

  constructor(code: CliErrorCode, detail?: string, options?: { cause?: unknown; exitCode?: number }) {
    super(detail === undefined ? MESSAGES[code] : `${MESSAGES[code]}: ${detail}`, options);
    this.name = 'CliError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
    this.exitCode = options?.exitCode ?? (code === 'USAGE' || code === 'CONFIG_INVALID' ? EXIT_USAGE : EXIT_FAILURE);
  }
}

/** A usage error (exit 2) with a detail such as "unknown option --x". */
export function usageError(detail: string): CliError {
  return new CliError('USAGE', detail);
}

/**
 * Renders any thrown value as one stderr line and an exit code. Errors with a string `code`
 * (ours, keystore, store, pki, policy) keep their code; the message is flattened to one line.
 * Anything else is INTERNAL with the JS message (fail loudly, never silently).
 */
export function describeError(err: unknown): { line: string; exitCode: number } {
  const e = err as { code?: unknown; message?: unknown; detail?: unknown; issues?: unknown; exitCode?: unknown };
  const known = typeof e?.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(e.code);
  const code = known ? (e.code as string) : 'INTERNAL';
  let message = typeof e?.message === 'string' ? e.message : String(err);
  if (!(err instanceof CliError)) {
    const issues = Array.isArray(e.issues) ? (e.issues as { path: string; message: string }[]) : [];
    if (issues.length > 0 && !message.includes(issues[0].message)) {
      message += ': ' + issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    } else if (typeof e.detail === 'string' && e.detail !== '' && !message.includes(e.detail)) {
      message += ` (${e.detail})`;
    }
  }
  const exitCode = typeof e?.exitCode === 'number' ? e.exitCode : EXIT_FAILURE;
  return { line: `trustmesh: ${code}: ${message.replace(/\s*\n\s*/g, ' ')}`, exitCode };
}
