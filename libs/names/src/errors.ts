/**
 * What the checks of libs/names report. A check returns a {@link NameProblem} (or null when the
 * text is fine); the throwing forms raise a {@link NameError} with the same `code`.
 */

/** Stable codes, one per grammar. Callers switch on these; the set only grows. */
export type NameProblemCode =
  | 'TYPE_NAME_INVALID'
  | 'INSTANCE_ID_INVALID'
  | 'TRUST_DOMAIN_INVALID'
  | 'DNS_NAME_INVALID'
  | 'SPIFFE_ID_INVALID'
  | 'DURATION_INVALID'
  | 'ADDRESS_INVALID'
  | 'IP_ADDRESS_INVALID';

/**
 * Why a text breaks its grammar. `message` states the rule (it starts with "must" or "is", so a
 * caller can prefix the field: `--instance: must be …`) and never echoes the input.
 */
export interface NameProblem {
  readonly code: NameProblemCode;
  readonly message: string;
}

/** The error of the throwing forms: `code` and `message` are those of the {@link NameProblem}. */
export class NameError extends Error {
  override readonly name = 'NameError';
  readonly code: NameProblemCode;

  constructor(problem: NameProblem) {
    super(problem.message);
    this.code = problem.code;
  }
}

/** True when `err` is a NameError, optionally with the given code. */
export function isNameError(err: unknown, code?: NameProblemCode): err is NameError {
  return err instanceof NameError && (code === undefined || err.code === code);
}

/** A frozen problem (the checks hand out shared constants; nobody may edit them). */
export function problem(code: NameProblemCode, message: string): NameProblem {
  return Object.freeze({ code, message });
}

/** Returns `value` when `p` is null, else throws NameError(p). */
export function orThrow<T>(p: NameProblem | null, value: T): T {
  if (p) throw new NameError(p);
  return value;
}
