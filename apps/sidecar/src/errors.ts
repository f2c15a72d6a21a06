/**
 * Typed errors of the sidecar. Every failure that leaves a sidecar module is a {@link SidecarError}
 * with a stable `code` and one fixed, user-safe message per code; specifics go to `detail`.
 */
import type { NameProblemCode } from '@trustmesh/names';

/** Stable error codes. Callers switch on these; the set only grows. */
export type SidecarErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'KEY_FILE_INSECURE'
  | 'IDENTITY_INVALID'
  | 'TRUST_INVALID'
  | 'TLS_MATERIAL_UNAVAILABLE'
  | 'LISTEN_FAILED'
  | 'ADDRESS_INVALID';

const MESSAGES: Record<SidecarErrorCode, string> = {
  CONFIG_INVALID: 'sidecar config: the configuration is invalid',
  CONFIG_UNREADABLE: 'sidecar config: the configuration file cannot be read',
  KEY_FILE_INSECURE: 'sidecar config: the key file must not be readable by group or others (mode 0600)',
  IDENTITY_INVALID: 'identity: the key or certificate chain is unusable',
  TRUST_INVALID: 'trust: the trust bundle is unusable',
  TLS_MATERIAL_UNAVAILABLE: 'tls: no identity or trust bundle is loaded yet',
  LISTEN_FAILED: 'proxy: cannot listen on the configured address',
  ADDRESS_INVALID: 'address: expected host:port',
};

/** A sidecar failure with a stable code; `message` is fixed per code and safe to show. */
export class SidecarError extends Error {
  /** Stable machine-readable reason. */
  readonly code: SidecarErrorCode;
  /** Specifics (which field, which file); may name paths, never secrets. */
  readonly detail?: string;

  constructor(code: SidecarErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(MESSAGES[code], options);
    this.name = 'SidecarError';
    this.code = code;
    this.detail = detail;
  }
}

/**
 * Reason codes of one configuration problem. Names, addresses and durations carry the code of
 * their grammar in libs/names (`TYPE_NAME_INVALID`, `INSTANCE_ID_INVALID`, `DNS_NAME_INVALID` for
 * route names, `ADDRESS_INVALID`, `DURATION_INVALID`): the same codes the signer and the CLI use.
 */
export type ConfigIssueCode =
  | 'REQUIRED'
  | 'WRONG_TYPE'
  | 'UNKNOWN_FIELD'
  | NameProblemCode
  | 'INVALID_NUMBER'
  | 'INVALID_ENUM'
  | 'DUPLICATE'
  | 'EMPTY_LIST'
  | 'YAML_SYNTAX';

/** One problem in a configuration file, located by its path (`inbound[0].listen`). */
export interface ConfigIssue {
  readonly path: string;
  readonly code: ConfigIssueCode;
  readonly message: string;
}

/**
 * The configuration is invalid: `issues` lists every problem found (not only the first), in
 * document order. `code` is always `CONFIG_INVALID`.
 */
export class ConfigError extends SidecarError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super('CONFIG_INVALID', issues.map((i) => `${i.path}: ${i.message} [${i.code}]`).join('; '));
    this.name = 'ConfigError';
    this.issues = Object.freeze([...issues]);
  }
}
