/**
 * The mesh's names, as PolicyError: the grammar itself is libs/names (libs/names/src/identity.ts,
 * libs/names/src/dns.ts); the one rule kept here is the mesh-config one, reserved type names.
 */
import {
  dnsNameProblem,
  instanceIdProblem,
  trustDomainProblem as trustDomainGrammar,
  typeNameProblem,
} from '@trustmesh/names';
import { PolicyError } from './errors';

/** Names no service type may take: `platform` is the signer's own CA set, `admin` the CLI identity. */
export const RESERVED_TYPE_NAMES: readonly string[] = Object.freeze(['admin', 'platform']);

/**
 * Why `name` is not a valid service type name for a mesh config, or null when it is: the type-name
 * grammar of libs/names (1–31 of `[a-z0-9-]`, letter first, no edge hyphen), and not reserved.
 */
export function serviceTypeNameProblem(name: unknown): string | null {
  const p = typeNameProblem(name);
  if (p) return p.message;
  if (RESERVED_TYPE_NAMES.includes(name as string)) return `'${name as string}' is reserved`;
  return null;
}

/**
 * Checks a service type name: the grammar of libs/names and not reserved (`admin`, `platform`).
 *
 * @throws PolicyError TYPE_NAME_INVALID
 */
export function validateServiceTypeName(name: string): void {
  const problem = serviceTypeNameProblem(name);
  if (problem) throw new PolicyError('TYPE_NAME_INVALID', problem);
}

/**
 * Checks an instance id: a lowercase DNS name of at most 63 characters (libs/names), so it is
 * safe in a SPIFFE path segment, a file name and a DNS template: no `/`, `_`, spaces, upper case,
 * `..` or leading dot.
 *
 * @throws PolicyError INSTANCE_ID_INVALID
 */
export function validateInstanceId(id: string): void {
  const p = instanceIdProblem(id);
  if (p) throw new PolicyError('INSTANCE_ID_INVALID', p.message);
}

/** True when `name` is a lowercase DNS name (libs/names): labels of [a-z0-9-], no edge hyphens, ≤ 253 chars. */
export function isDnsName(name: string): boolean {
  return dnsNameProblem(name) === null;
}

/** Why `td` is not a valid trust domain (a lowercase DNS name, libs/names), or null when it is. */
export function trustDomainProblem(td: unknown): string | null {
  if (typeof td !== 'string' || td.length === 0) return 'must be a non-empty string';
  const p = trustDomainGrammar(td);
  return p ? `${p.message}, e.g. example.test` : null;
}
