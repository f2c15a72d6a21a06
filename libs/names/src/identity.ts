/**
 * The two names of a workload: its service type and its instance id.
 *
 * Grammar:
 *   type-name   = [a-z] ( [a-z0-9-]{0,29} [a-z0-9] )?   1–31 characters, letter first, no edge hyphen
 *   instance-id = dns-name (see dns.ts) of at most 63 characters in total
 * An instance id is therefore safe as a SPIFFE path segment, as a file name and inside DNS SAN
 * templates: no `/`, no `_`, no `%`, no upper case, no unicode, no `..`, no leading dot.
 * Reserved type names (`admin`, `platform`) are a mesh-config rule of libs/policy, not grammar:
 * both appear in SPIFFE IDs (the CLI's and the signer's own identities).
 */
import { MAX_DNS_LABEL_LENGTH, matchesDnsName } from './dns';
import { orThrow, problem, type NameProblem } from './errors';

/** Longest service type name. */
export const MAX_TYPE_NAME_LENGTH = 31;
/** Longest instance id (one DNS label's worth, so `{instance}.<zone>` templates stay valid). */
export const MAX_INSTANCE_ID_LENGTH = MAX_DNS_LABEL_LENGTH;

const TYPE_NAME_RE = /^[a-z](?:[a-z0-9-]{0,29}[a-z0-9])?$/;

const TYPE_NAME_NOT_STRING = problem('TYPE_NAME_INVALID', 'must be a string');
const TYPE_NAME_BAD = problem(
  'TYPE_NAME_INVALID',
  "must be 1-31 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'",
);
const INSTANCE_ID_NOT_STRING = problem('INSTANCE_ID_INVALID', 'must be a string');
const INSTANCE_ID_BAD = problem(
  'INSTANCE_ID_INVALID',
  "must be a lowercase DNS name of at most 63 characters: labels of a-z, 0-9 and '-' (not at either end of a label) separated by single dots",
);

/** True when `text` matches type-name (internal fast path, no allocation). */
export function matchesTypeName(text: string): boolean {
  return text.length <= MAX_TYPE_NAME_LENGTH && TYPE_NAME_RE.test(text);
}

/** Why `text` is not a service type name (type-name above), or null when it is. */
export function typeNameProblem(text: unknown): NameProblem | null {
  if (typeof text !== 'string') return TYPE_NAME_NOT_STRING;
  return matchesTypeName(text) ? null : TYPE_NAME_BAD;
}

/** `text` when it is a service type name. @throws NameError TYPE_NAME_INVALID */
export function requireTypeName(text: unknown): string {
  return orThrow(typeNameProblem(text), text as string);
}

/** Why `text` is not an instance id (instance-id above), or null when it is. */
export function instanceIdProblem(text: unknown): NameProblem | null {
  if (typeof text !== 'string') return INSTANCE_ID_NOT_STRING;
  return matchesDnsName(text, MAX_INSTANCE_ID_LENGTH) ? null : INSTANCE_ID_BAD;
}

/** `text` when it is an instance id. @throws NameError INSTANCE_ID_INVALID */
export function requireInstanceId(text: unknown): string {
  return orThrow(instanceIdProblem(text), text as string);
}
