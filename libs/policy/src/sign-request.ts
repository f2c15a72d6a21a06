import { isIpAddress } from '@trustmesh/names';
import { renderDnsTemplate } from './dns-template';
import { PolicyError } from './errors';
import { MIN_RSA_BITS, MIN_TTL_SECONDS, MeshConfig, ServiceTypePolicy } from './mesh-config';
import { isDnsName, validateInstanceId } from './names';
import { requireType } from './trust-matrix';

/** OID of subjectAltName: the only extension whose content we read from a CSR. */
export const OID_SUBJECT_ALT_NAME = '2.5.29.17';

/**
 * Extensions a CSR may carry, non-critical only, that we accept and IGNORE: basicConstraints
 * (cA=false; cA=true is CA_REQUESTED), keyUsage and extKeyUsage. Common tools (OpenSSL's
 * `v3_req`, Windows certreq) add them by default; the leaf gets our fixed values regardless.
 * A critical one is refused, because the requester insists on something we will not honour.
 */
export const TOLERATED_EXTENSIONS: readonly string[] = Object.freeze(['2.5.29.19', '2.5.29.15', '2.5.29.37']);

/** What evaluateSignRequest needs from a parsed CSR (libs/pki ParsedCsr fits). */
export interface SignRequestCsr {
  publicKey: { algorithm: string; bits: number };
  sans: { dns: string[]; uris: string[]; ips: string[] };
  extensions: { oid: string; critical: boolean }[];
  isCaRequested: boolean;
}

/** A sign request to judge: who asks (already authenticated), and what the CSR asks for. */
export interface SignRequest {
  serviceType: string;
  instanceId: string;
  csr: SignRequestCsr;
  /** Requested lifetime; default: the type's leafTtl. Capped at maxTtl. */
  requestedTtlSeconds?: number;
}

/** What the leaf must contain: always the SPIFFE URI, plus the allowed DNS/IP SANs. */
export interface SignDecision {
  spiffeId: string;
  sans: { dns: string[]; uris: string[]; ips: string[] };
  ttlSeconds: number;
}

/**
 * Judges a sign request against the mesh policy; returns what to put in the leaf, or throws.
 * Checks, in order (the first failure wins):
 *  - the type exists (TYPE_UNKNOWN) and the instance id is valid (INSTANCE_ID_INVALID);
 *  - no CA requested (CA_REQUESTED); no extension but SAN and the tolerated non-critical
 *    basicConstraints/keyUsage/extKeyUsage (EXTENSION_NOT_ALLOWED); nothing is copied from them;
 *  - key type allowed (KEY_TYPE_NOT_ALLOWED), RSA at least 2048 bits (KEY_TOO_WEAK);
 *  - URI SANs absent or exactly `spiffe://<td>/<type>/<instance>` (URI_SAN_MISMATCH);
 *  - DNS SANs among those the type's templates render for this instance, IP SANs only when
 *    the type sets allowIpSans (SAN_NOT_ALLOWED);
 *  - requested TTL a whole number ≥ 60 s (TTL_INVALID); ttl = min(requested ?? leafTtl, maxTtl).
 * The decision carries every DNS name the templates render (identity comes from policy, not
 * from the request), the requested IPs when allowed, and the SPIFFE URI.
 *
 * @throws PolicyError with one of the codes above
 */
export function evaluateSignRequest(mesh: MeshConfig, r: SignRequest): SignDecision {
  const policy = requireType(mesh, r.serviceType);
  validateInstanceId(r.instanceId);
  checkExtensions(r.csr);
  checkKey(policy, r.csr.publicKey);
  const spiffeId = `spiffe://${mesh.trustDomain}/${policy.name}/${r.instanceId}`;
  checkUris(r.csr.sans.uris, spiffeId);
  const dns = allowedDnsNames(mesh, policy, r.instanceId);
  for (const name of r.csr.sans.dns) {
    if (!dns.includes(String(name).toLowerCase())) {
      throw new PolicyError('SAN_NOT_ALLOWED', `DNS name not produced by the type's templates`);
    }
  }
  const ips = checkIps(policy, r.csr.sans.ips);
  return { spiffeId, sans: { dns, uris: [spiffeId], ips }, ttlSeconds: leafTtl(policy, r.requestedTtlSeconds) };
}

function checkExtensions(csr: SignRequestCsr): void {
  if (csr.isCaRequested) throw new PolicyError('CA_REQUESTED');
  for (const ext of csr.extensions) {
    if (ext.oid === OID_SUBJECT_ALT_NAME) continue;
    if (TOLERATED_EXTENSIONS.includes(ext.oid) && !ext.critical) continue;
    throw new PolicyError('EXTENSION_NOT_ALLOWED', `${ext.oid}${ext.critical ? ' (critical)' : ''}`);
  }
}

function checkKey(policy: ServiceTypePolicy, key: { algorithm: string; bits: number }): void {
  if (!(policy.keyTypes as readonly string[]).includes(key.algorithm)) {
    throw new PolicyError('KEY_TYPE_NOT_ALLOWED', `allowed: ${policy.keyTypes.join(', ')}`);
  }
  if (key.algorithm === 'rsa' && !(key.bits >= MIN_RSA_BITS)) {
    throw new PolicyError('KEY_TOO_WEAK', `RSA keys need at least ${MIN_RSA_BITS} bits`);
  }
}

function checkUris(uris: string[], spiffeId: string): void {
  if (uris.length > 1) throw new PolicyError('URI_SAN_MISMATCH', 'at most one URI SAN');
  if (uris.length === 1 && uris[0] !== spiffeId) {
    throw new PolicyError('URI_SAN_MISMATCH', `expected ${spiffeId}`);
  }
}

/**
 * Every DNS name the type's templates render for this instance, deduplicated, in template order.
 * An instance id that cannot form a DNS name under a template (e.g. it contains `_`) is refused
 * rather than silently given fewer names.
 *
 * @throws PolicyError INSTANCE_ID_INVALID
 */
export function allowedDnsNames(mesh: MeshConfig, policy: ServiceTypePolicy, instanceId: string): string[] {
  const out: string[] = [];
  for (const t of policy.dnsTemplates) {
    const name = renderDnsTemplate(t, { instance: instanceId, type: policy.name, trustDomain: mesh.trustDomain });
    if (!isDnsName(name)) {
      throw new PolicyError('INSTANCE_ID_INVALID', `does not form a DNS name under template ${t}`);
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

function checkIps(policy: ServiceTypePolicy, ips: string[]): string[] {
  if (ips.length === 0) return [];
  if (!policy.allowIpSans) throw new PolicyError('SAN_NOT_ALLOWED', 'IP SANs are not allowed for this type');
  for (const ip of ips) {
    if (!isIpAddress(ip)) throw new PolicyError('SAN_NOT_ALLOWED', 'IP SAN is not a valid address');
  }
  return [...new Set(ips)];
}

function leafTtl(policy: ServiceTypePolicy, requested: number | undefined): number {
  if (requested === undefined) return Math.min(policy.leafTtlSeconds, policy.maxTtlSeconds);
  if (!Number.isSafeInteger(requested) || requested < MIN_TTL_SECONDS) {
    throw new PolicyError('TTL_INVALID', `must be a whole number of seconds ≥ ${MIN_TTL_SECONDS}`);
  }
  return Math.min(requested, policy.maxTtlSeconds);
}
