/**
 * Typed errors of libs/pki. Every failure that leaves this library is a {@link PkiError} with a
 * stable `code` and one fixed, user-safe message per code; the specifics (which field, which
 * offset) go to `detail`, and a wrapped third-party or node:crypto error to `cause`.
 */

/** Stable error codes. Callers switch on these; the set only grows. */
export type PkiErrorCode =
  | 'INPUT_EMPTY'
  | 'INPUT_TOO_LARGE'
  | 'PEM_MALFORMED'
  | 'DER_MALFORMED'
  | 'CSR_MALFORMED'
  | 'CSR_SIGNATURE_INVALID'
  | 'CSR_EXTENSION_UNSUPPORTED'
  | 'CERT_MALFORMED'
  | 'CERT_NOT_CA'
  | 'KEY_MALFORMED'
  | 'KEY_MISMATCH'
  | 'KEY_TYPE_UNSUPPORTED'
  | 'KEY_TOO_WEAK'
  | 'SIGNATURE_ALGORITHM_MISMATCH'
  | 'SIGNATURE_ALGORITHM_UNSUPPORTED'
  | 'SAN_INVALID'
  | 'SUBJECT_INVALID'
  | 'VALIDITY_INVALID'
  | 'CHAIN_INVALID'
  | 'CHAIN_EXPIRED'
  | 'CHAIN_NOT_YET_VALID'
  | 'CHAIN_UNTRUSTED'
  | 'PKCS12_FAILED';

const MESSAGES: Record<PkiErrorCode, string> = {
  INPUT_EMPTY: 'input is empty',
  INPUT_TOO_LARGE: 'input is larger than the allowed size',
  PEM_MALFORMED: 'PEM text is malformed',
  DER_MALFORMED: 'DER encoding is malformed',
  CSR_MALFORMED: 'certificate request is malformed',
  CSR_SIGNATURE_INVALID: 'certificate request signature does not verify',
  CSR_EXTENSION_UNSUPPORTED: 'certificate request carries an unsupported critical extension',
  CERT_MALFORMED: 'certificate is malformed',
  CERT_NOT_CA: 'certificate is not a CA certificate',
  KEY_MALFORMED: 'key is malformed',
  KEY_MISMATCH: 'private key does not match the certificate',
  KEY_TYPE_UNSUPPORTED: 'key type is not supported',
  KEY_TOO_WEAK: 'key is too weak',
  SIGNATURE_ALGORITHM_MISMATCH: 'signature algorithm does not match the key',
  SIGNATURE_ALGORITHM_UNSUPPORTED: 'signature algorithm is not supported',
  SAN_INVALID: 'subject alternative name is invalid',
  SUBJECT_INVALID: 'subject name is invalid',
  VALIDITY_INVALID: 'validity period is invalid',
  CHAIN_INVALID: 'certificate chain is invalid',
  CHAIN_EXPIRED: 'a certificate in the chain has expired',
  CHAIN_NOT_YET_VALID: 'a certificate in the chain is not yet valid',
  CHAIN_UNTRUSTED: 'certificate chain does not end at a trusted anchor',
  PKCS12_FAILED: 'PKCS#12 export failed',
};

/**
 * The only error type libs/pki throws on bad input. `message` is fixed per `code`
 * (safe to show to a remote caller); `detail` names the specific problem (safe to log, may be
 * shown to the operator); `cause` holds a wrapped lower-level error, never shown to peers.
 */
export class PkiError extends Error {
  override readonly name = 'PkiError';
  readonly code: PkiErrorCode;
  readonly detail?: string;

  constructor(code: PkiErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(`pki: ${MESSAGES[code]}${detail ? ` (${detail})` : ''}`, options);
    this.code = code;
    this.detail = detail;
  }
}

/** True when `err` is a PkiError, optionally with the given code. */
export function isPkiError(err: unknown, code?: PkiErrorCode): err is PkiError {
  return err instanceof PkiError && (code === undefined || err.code === code);
}

/**
 * Runs `fn` and turns any non-PkiError it throws into a PkiError with `code` (the boundary
 * wrapper for node:crypto and third-party calls). PkiErrors pass through unchanged.
 */
export function wrapErrors<T>(code: PkiErrorCode, detail: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PkiError) throw err;
    throw new PkiError(code, detail, { cause: err });
  }
}
