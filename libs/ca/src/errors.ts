/**
 * Errors of the CA lifecycle: a stable `code`, a fixed message per code and an optional
 * `detail` appended after a colon (`message` = "<fixed text>: <detail>"). Callers map codes to
 * their own outcome (the CLI: one stderr line and exit 1; the signer: STATE_INVALID).
 */

/** Stable reason codes of {@link CaError}. */
export type CaErrorCode =
  | 'NOT_INITIALIZED'
  | 'ALREADY_INITIALIZED'
  | 'DIR_NOT_EMPTY'
  | 'CONFIG_INVALID'
  | 'TYPE_UNKNOWN'
  | 'CA_NOT_FOUND'
  | 'TRUST_DOMAIN_MISMATCH'
  | 'FILE_NOT_FOUND'
  | 'FILE_TOO_LARGE'
  | 'CA_CERT_INVALID'
  | 'ROTATION_NOT_SAFE'
  | 'ROTATION_PHASE_INVALID'
  | 'ROTATION_STATE_INVALID';

const MESSAGES: Readonly<Record<CaErrorCode, string>> = {
  NOT_INITIALIZED: 'the state directory is not initialized (run `trustmesh init --dir D` first)',
  ALREADY_INITIALIZED:
    'the state directory already holds a CA; refusing to touch it (`--force` does not exist: keys are never deleted or overwritten by trustmesh)',
  DIR_NOT_EMPTY:
    'the state directory is not empty and holds files trustmesh did not make; choose an empty or new directory',
  CONFIG_INVALID: 'invalid configuration',
  TYPE_UNKNOWN: 'unknown service type',
  CA_NOT_FOUND: 'no CA of that kind for this service type',
  TRUST_DOMAIN_MISMATCH: 'the new mesh config names a different trust domain than the state directory',
  FILE_NOT_FOUND: 'file not found',
  FILE_TOO_LARGE: 'file is too large',
  CA_CERT_INVALID: 'a CA certificate lacks its subject key identifier or validity',
  ROTATION_NOT_SAFE: 'the rotation step is not safe yet (re-run when the fleet has caught up, or --force)',
  ROTATION_PHASE_INVALID: 'this rotation phase cannot run now (phases go prepare, activate, retire)',
  ROTATION_STATE_INVALID: 'the stored rotation state of this type is unreadable or contradicts its CA records',
};

/** A failure of a CA-lifecycle operation. `detail` names the file, type or record involved. */
export class CaError extends Error {
  readonly code: CaErrorCode;
  readonly detail?: string;

  constructor(code: CaErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail === undefined ? MESSAGES[code] : `${MESSAGES[code]}: ${detail}`, options);
    this.name = 'CaError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }
}
