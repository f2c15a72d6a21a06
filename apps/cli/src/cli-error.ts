/**
 * The CLI's own errors and the single mapping from any error to an exit code and one stderr
 * line: `trustmesh: <REASON_CODE>: <message>`.
 */
import { CaError } from '@trustmesh/ca';

/** Exit codes: 0 ok, 1 failure, 2 usage error (bad flags, arguments or environment). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Reason codes raised by the CLI itself. The CA lifecycle brings its own (CaError of
 * @trustmesh/ca: NOT_INITIALIZED, TYPE_UNKNOWN, ROTATION_NOT_SAFE, ...), as do the other libraries.
 */
export type CliErrorCode = 'USAGE' | 'CONFIG_INVALID' | 'CA_EXISTS' | 'AUDIT_TAMPERED';

const MESSAGES: Readonly<Record<CliErrorCode, string>> = {
  USAGE: 'invalid command line',
  CONFIG_INVALID: 'invalid configuration',
  CA_EXISTS: 'this service type already has a CA set',
  AUDIT_TAMPERED: 'the audit log was tampered with',
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
 * (ours, ca, keystore, store, pki, policy) keep their code; the message is flattened to one line.
 * CliError and CaError messages already carry their detail; a CaError always exits 1.
 * Anything else is INTERNAL with the JS message (fail loudly, never silently).
 */
export function describeError(err: unknown): { line: string; exitCode: number } {
  const e = err as { code?: unknown; message?: unknown; detail?: unknown; issues?: unknown; exitCode?: unknown };
  const known = typeof e?.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(e.code);
  const code = known ? (e.code as string) : 'INTERNAL';
  let message = typeof e?.message === 'string' ? e.message : String(err);
  if (!(err instanceof CliError) && !(err instanceof CaError)) {
    const issues = Array.isArray(e.issues) ? (e.issues as { path: string; message: string }[]) : [];
    if (issues.length > 0 && !message.includes(issues[0].message)) {
      message += ': ' + issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    } else if (typeof e.detail === 'string' && e.detail !== '' && !message.includes(e.detail)) {
      message += ` (${e.detail})`;
    }
  }
  const exitCode = err instanceof CaError ? EXIT_FAILURE : typeof e?.exitCode === 'number' ? e.exitCode : EXIT_FAILURE;
  return { line: `trustmesh: ${code}: ${message.replace(/\s*\n\s*/g, ' ')}`, exitCode };
}
