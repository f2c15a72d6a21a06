/**
 * Errors of the demo (`npm start`): a stable code and one fixed, user-safe message per code; the
 * detail (which flag, which child, which file) is carried separately.
 */

/** Stable reason codes of the demo. */
export type DemoErrorCode =
  'ARGS_INVALID' | 'STATE_DIR_FOREIGN' | 'SETUP_FAILED' | 'CHILD_START_FAILED' | 'CHILD_EXITED' | 'ROTATION_FAILED';

const MESSAGES: Record<DemoErrorCode, string> = {
  ARGS_INVALID: 'invalid demo arguments',
  STATE_DIR_FOREIGN: 'the demo state directory exists and was not made by the demo; refusing to replace it',
  SETUP_FAILED: 'setting up the demo state failed',
  CHILD_START_FAILED: 'a demo process did not come up in time',
  CHILD_EXITED: 'a demo process exited unexpectedly',
  ROTATION_FAILED: 'a root rotation step failed',
};

/** A demo failure: `code` is stable, `message` fixed per code, `detail` says what exactly. */
export class DemoError extends Error {
  constructor(
    readonly code: DemoErrorCode,
    readonly detail: string,
  ) {
    super(MESSAGES[code]);
    this.name = 'DemoError';
  }
}
