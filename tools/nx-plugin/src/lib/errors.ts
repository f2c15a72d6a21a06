/**
 * Typed errors of the generators. Each failure has a stable `code` and one fixed message per
 * code; the specifics (which name, which file) go to `detail`. A generator throws before it
 * writes anything, so a failed run leaves the workspace untouched.
 */

/** Stable error codes of @trustmesh/nx-plugin. */
export type GeneratorErrorCode =
  | 'TYPE_NAME_INVALID'
  | 'TYPE_EXISTS'
  | 'TYPE_UNKNOWN'
  | 'TYPE_IN_USE'
  | 'CONFIG_MISSING'
  | 'CONFIG_INVALID'
  | 'CONFIG_UNSUPPORTED'
  | 'TTL_INVALID'
  | 'PROJECT_EXISTS'
  | 'PORTS_EXHAUSTED'
  | 'EDGES_REQUIRED';

const MESSAGES: Record<GeneratorErrorCode, string> = {
  TYPE_NAME_INVALID: 'service type name is invalid',
  TYPE_EXISTS: 'service type already exists in trustmesh.yaml',
  TYPE_UNKNOWN: 'service type is not defined in trustmesh.yaml',
  TYPE_IN_USE: 'other service types still dial or accept this type (use --force to remove the edges too)',
  CONFIG_MISSING: 'trustmesh.yaml not found at the workspace root',
  CONFIG_INVALID: 'trustmesh.yaml is invalid; nothing was written',
  CONFIG_UNSUPPORTED: 'trustmesh.yaml has a layout the generator cannot edit in place; nothing was written',
  TTL_INVALID: 'leaf TTL is invalid',
  PROJECT_EXISTS: 'the service project or its sidecar config already exists',
  PORTS_EXHAUSTED: 'no free port left in the scaffold port range',
  EDGES_REQUIRED: 'a service type needs --accepts or --dials (a sidecar with no route cannot start)',
};

/** The only error the generators throw on bad input or a bad workspace. */
export class GeneratorError extends Error {
  override readonly name = 'GeneratorError';
  readonly code: GeneratorErrorCode;
  readonly detail?: string;

  constructor(code: GeneratorErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(`service-type: ${MESSAGES[code]}${detail ? ` (${detail})` : ''}`, options);
    this.code = code;
    this.detail = detail;
  }
}
