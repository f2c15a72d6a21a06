/** The error of libs/args: the command line does not fit the command's spec. */

/** The one code of libs/args. */
export type ArgsErrorCode = 'USAGE';

/**
 * A usage error. `message` is one line naming the problem, e.g. `Unknown option '--x'`,
 * `option --dir given more than once`, `missing argument <type>`; callers show it as the detail
 * of their own usage error (CLI: `USAGE`, exit 2; signer, sidecar, demo: `ARGS_INVALID`).
 */
export class ArgsError extends Error {
  override readonly name = 'ArgsError';
  readonly code: ArgsErrorCode = 'USAGE';
}

/** True when `err` is an ArgsError. */
export function isArgsError(err: unknown): err is ArgsError {
  return err instanceof ArgsError;
}
