/**
 * Lowercase DNS names and the names built on them: trust domains and host names.
 *
 * Grammar (RFC 1123 host names, lower case only, ASCII only):
 *   label    = [a-z0-9] ( [a-z0-9-]{0,61} [a-z0-9] )?        1–63 characters, no edge hyphen
 *   dns-name = label ( "." label )*                           at most 253 characters in total
 * No upper case, no `_`, no trailing dot, no empty label, no unicode (IDNs are written as their
 * `xn--` A-labels), no wildcard.
 */
import { orThrow, problem, type NameProblem } from './errors';

/** Longest DNS name (RFC 1035 §2.3.4, without the trailing dot). */
export const MAX_DNS_NAME_LENGTH = 253;
/** Longest DNS label (RFC 1035 §2.3.4). */
export const MAX_DNS_LABEL_LENGTH = 63;

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const LABEL_RE = new RegExp(`^${LABEL}$`);
const DNS_NAME_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const NUMERIC_LAST_LABEL_RE = /(?:^|\.)[0-9]+$/;

const LABEL_RULE = "labels of a-z, 0-9 and '-' (not at either end of a label) separated by single dots";
const NOT_A_STRING = 'must be a string';

/** True when `text` matches the dns-name grammar of at most `max` characters. */
export function matchesDnsName(text: string, max: number): boolean {
  return text.length > 0 && text.length <= max && DNS_NAME_RE.test(text);
}

/** Why `text` is not a lowercase DNS name (dns-name above), or null when it is. */
export function dnsNameProblem(text: unknown): NameProblem | null {
  if (typeof text !== 'string') return problem('DNS_NAME_INVALID', NOT_A_STRING);
  if (text.length === 0) return problem('DNS_NAME_INVALID', 'must not be empty');
  if (text.length > MAX_DNS_NAME_LENGTH)
    return problem('DNS_NAME_INVALID', `must be at most ${MAX_DNS_NAME_LENGTH} characters`);
  return DNS_NAME_RE.test(text) ? null : problem('DNS_NAME_INVALID', `must be a lowercase DNS name: ${LABEL_RULE}`);
}

/** `text` when it is a lowercase DNS name. @throws NameError DNS_NAME_INVALID */
export function requireDnsName(text: unknown): string {
  return orThrow(dnsNameProblem(text), text as string);
}

/** True when `text` is a lowercase DNS name ({@link dnsNameProblem} finds nothing). */
export function isDnsName(text: unknown): boolean {
  return typeof text === 'string' && matchesDnsName(text, MAX_DNS_NAME_LENGTH);
}

/** Why `text` is not one DNS label (label above, 1–63 characters), or null when it is. */
export function dnsLabelProblem(text: unknown): NameProblem | null {
  if (typeof text !== 'string') return problem('DNS_NAME_INVALID', NOT_A_STRING);
  if (text.length === 0) return problem('DNS_NAME_INVALID', 'must not be empty');
  if (text.length > MAX_DNS_LABEL_LENGTH)
    return problem('DNS_NAME_INVALID', `must be at most ${MAX_DNS_LABEL_LENGTH} characters`);
  return LABEL_RE.test(text)
    ? null
    : problem('DNS_NAME_INVALID', "must be one lowercase DNS label: a-z, 0-9 and '-', not at either end");
}

/**
 * Why `text` is not a host name, or null when it is. A host name is a lowercase DNS name whose
 * last label is not all digits (RFC 1123 §2.1: a host name never looks like a dotted-decimal
 * address, so `1.2.3.04` is neither an IPv4 address nor a host name).
 */
export function hostnameProblem(text: unknown): NameProblem | null {
  const p = dnsNameProblem(text);
  if (p) return p;
  return NUMERIC_LAST_LABEL_RE.test(text as string)
    ? problem('DNS_NAME_INVALID', 'must not end in an all-digit label (that is an IP address, or a mistyped one)')
    : null;
}

/**
 * Why `text` is not a trust domain, or null when it is. A trust domain is a lowercase DNS name
 * (dns-name above, at most 253 characters), e.g. `example.test`.
 */
export function trustDomainProblem(text: unknown): NameProblem | null {
  if (typeof text === 'string' && matchesDnsName(text, MAX_DNS_NAME_LENGTH)) return null;
  const p = dnsNameProblem(text) as NameProblem;
  return problem('TRUST_DOMAIN_INVALID', p.message);
}

/** `text` when it is a trust domain. @throws NameError TRUST_DOMAIN_INVALID */
export function requireTrustDomain(text: unknown): string {
  return orThrow(trustDomainProblem(text), text as string);
}
