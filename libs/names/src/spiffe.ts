/**
 * SPIFFE IDs as TrustMesh issues them:
 *   spiffe-id = "spiffe://" trust-domain "/" type-name "/" instance-id
 * (trust-domain: dns.ts; type-name and instance-id: identity.ts). Parsing is strict on purpose:
 * a port, userinfo, query, fragment, percent escape, extra or empty path segment, or upper case is
 * not an ID we issue, so it is refused rather than normalised. No allocation beyond one split, no
 * exception on the accepting path: the sidecar parses one per TLS handshake.
 */
import { matchesDnsName, MAX_DNS_NAME_LENGTH, trustDomainProblem } from './dns';
import { NameError, problem, type NameProblem } from './errors';
import {
  instanceIdProblem,
  matchesTypeName,
  MAX_INSTANCE_ID_LENGTH,
  MAX_TYPE_NAME_LENGTH,
  typeNameProblem,
} from './identity';

/** The three parts of a TrustMesh SPIFFE ID. */
export interface SpiffeId {
  readonly trustDomain: string;
  readonly serviceType: string;
  readonly instanceId: string;
}

const SCHEME = 'spiffe://';
/** Longest possible ID: scheme, the longest trust domain, type name and instance id, two slashes. */
export const MAX_SPIFFE_ID_LENGTH =
  SCHEME.length + MAX_DNS_NAME_LENGTH + 1 + MAX_TYPE_NAME_LENGTH + 1 + MAX_INSTANCE_ID_LENGTH;

const SHAPE = problem('SPIFFE_ID_INVALID', 'must be spiffe://<trust domain>/<service type>/<instance id>');

/** The parts, or the problem (shared by the check and the parser: one pass). */
function split(uri: unknown): SpiffeId | NameProblem {
  if (typeof uri !== 'string' || uri.length > MAX_SPIFFE_ID_LENGTH || !uri.startsWith(SCHEME)) return SHAPE;
  const parts = uri.slice(SCHEME.length).split('/');
  if (parts.length !== 3) return SHAPE;
  const [trustDomain, serviceType, instanceId] = parts as [string, string, string];
  if (!matchesDnsName(trustDomain, MAX_DNS_NAME_LENGTH)) {
    return problem('SPIFFE_ID_INVALID', `trust domain ${(trustDomainProblem(trustDomain) as NameProblem).message}`);
  }
  if (!matchesTypeName(serviceType))
    return problem('SPIFFE_ID_INVALID', `service type ${(typeNameProblem(serviceType) as NameProblem).message}`);
  if (!matchesDnsName(instanceId, MAX_INSTANCE_ID_LENGTH)) {
    return problem('SPIFFE_ID_INVALID', `instance id ${(instanceIdProblem(instanceId) as NameProblem).message}`);
  }
  return { trustDomain, serviceType, instanceId };
}

/** Why `uri` is not a TrustMesh SPIFFE ID (spiffe-id above), or null when it is. */
export function spiffeIdProblem(uri: unknown): NameProblem | null {
  const r = split(uri);
  return 'code' in r ? r : null;
}

/**
 * The parts of a TrustMesh SPIFFE ID, or null when `uri` is not one ({@link spiffeIdProblem}
 * says why). One pass, no exception: the form for hot paths such as a TLS peer check.
 */
export function tryParseSpiffeId(uri: unknown): SpiffeId | null {
  const r = split(uri);
  return 'code' in r ? null : r;
}

/** The parts of a TrustMesh SPIFFE ID. @throws NameError SPIFFE_ID_INVALID (the message names the bad part) */
export function parseSpiffeId(uri: unknown): SpiffeId {
  const r = split(uri);
  if ('code' in r) throw new NameError(r);
  return r;
}

/**
 * The SPIFFE ID of one instance, `spiffe://<trustDomain>/<serviceType>/<instanceId>`.
 * @throws NameError TRUST_DOMAIN_INVALID, TYPE_NAME_INVALID or INSTANCE_ID_INVALID: the code of
 *   the first part that breaks its rule
 */
export function formatSpiffeId(trustDomain: unknown, serviceType: unknown, instanceId: unknown): string {
  const p = trustDomainProblem(trustDomain) ?? typeNameProblem(serviceType) ?? instanceIdProblem(instanceId);
  if (p) throw new NameError(p);
  return `${SCHEME}${trustDomain as string}/${serviceType as string}/${instanceId as string}`;
}
