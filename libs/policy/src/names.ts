import { PolicyError } from './errors';

/** Names no service type may take: `platform` is the signer's own CA set, `admin` the CLI identity. */
export const RESERVED_TYPE_NAMES: readonly string[] = Object.freeze(['admin', 'platform']);

const TYPE_NAME = /^[a-z][a-z0-9-]{0,30}$/;
// One DNS-style label of an instance id may also hold '.' and '_'; first and last must be alnum.
const INSTANCE_ID = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why `name` is not a valid service type name, or null when it is. */
export function serviceTypeNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || !TYPE_NAME.test(name)) {
    return 'must match [a-z][a-z0-9-]{0,30}';
  }
  if (RESERVED_TYPE_NAMES.includes(name)) return `'${name}' is reserved`;
  return null;
}

/**
 * Checks a service type name: `[a-z][a-z0-9-]{0,30}` and not reserved (`admin`, `platform`).
 *
 * @throws PolicyError TYPE_NAME_INVALID
 */
export function validateServiceTypeName(name: string): void {
  const problem = serviceTypeNameProblem(name);
  if (problem) throw new PolicyError('TYPE_NAME_INVALID', problem);
}

/**
 * Checks an instance id: `[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?` (at most 63 characters), and no
 * `..`. This keeps ids safe in a SPIFFE path segment, a file name and a DNS label position:
 * no `/`, no spaces, no upper case, no leading dot.
 *
 * @throws PolicyError INSTANCE_ID_INVALID
 */
export function validateInstanceId(id: string): void {
  if (typeof id !== 'string' || !INSTANCE_ID.test(id)) {
    throw new PolicyError('INSTANCE_ID_INVALID', 'must match [a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?');
  }
  if (id.includes('..')) throw new PolicyError('INSTANCE_ID_INVALID', "must not contain '..'");
}

/** True when `name` is a lowercase DNS name: labels of [a-z0-9-], no edge hyphens, ≤ 253 chars. */
export function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => DNS_LABEL.test(label));
}

/** Why `td` is not a valid trust domain (lowercase DNS-like name), or null when it is. */
export function trustDomainProblem(td: unknown): string | null {
  if (typeof td !== 'string' || td.length === 0) return 'must be a non-empty string';
  if (!isDnsName(td)) return 'must be a lowercase DNS-like name, e.g. example.test';
  return null;
}
