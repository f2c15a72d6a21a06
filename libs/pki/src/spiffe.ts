/**
 * SPIFFE IDs as TrustMesh uses them: `spiffe://<trust-domain>/<service-type>/<instance-id>`.
 */
import { PkiError } from './errors';

const TRUST_DOMAIN_RE = /^[a-z0-9]([a-z0-9.-]{0,253}[a-z0-9])?$/;
const TYPE_RE = /^[a-z][a-z0-9-]{0,30}$/;
const INSTANCE_RE = /^[A-Za-z0-9._-]{1,128}$/;

function check(trustDomain: string, serviceType: string, instanceId: string): void {
  if (!TRUST_DOMAIN_RE.test(trustDomain)) throw new PkiError('SAN_INVALID', 'bad SPIFFE trust domain');
  if (!TYPE_RE.test(serviceType)) throw new PkiError('SAN_INVALID', 'bad service type');
  if (!INSTANCE_RE.test(instanceId) || instanceId === '.' || instanceId === '..') {
    throw new PkiError('SAN_INVALID', 'bad instance id');
  }
}

/**
 * The SPIFFE ID of one instance. Trust domain: lower-case letters, digits, `.` and `-`; service
 * type: `[a-z][a-z0-9-]{0,30}`; instance id: 1–128 of `[A-Za-z0-9._-]`.
 * @throws PkiError SAN_INVALID when a part breaks those rules.
 */
export function spiffeId(trustDomain: string, serviceType: string, instanceId: string): string {
  check(trustDomain, serviceType, instanceId);
  return `spiffe://${trustDomain}/${serviceType}/${instanceId}`;
}

/** The parts of a TrustMesh SPIFFE ID. @throws PkiError SAN_INVALID for any other URI. */
export function parseSpiffeId(uri: string): { trustDomain: string; serviceType: string; instanceId: string } {
  const m = typeof uri === 'string' ? /^spiffe:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri) : null;
  if (!m) throw new PkiError('SAN_INVALID', 'not a spiffe://<domain>/<type>/<instance> URI');
  check(m[1], m[2], m[3]);
  return { trustDomain: m[1], serviceType: m[2], instanceId: m[3] };
}
