/**
 * The mesh config model: what `trustmesh.yaml` means once parsed, with every default filled in.
 * Values of these types are deep-frozen; build them with parseMeshConfig or meshConfigFromTypes.
 */

/** Key types a service type may allow for its leaves (`rsa` only when listed explicitly). */
export type PolicyKeyType = 'ec-p256' | 'ec-p384' | 'ed25519' | 'rsa';

/** All key type names the config accepts. */
export const KEY_TYPES: readonly PolicyKeyType[] = Object.freeze(['ec-p256', 'ec-p384', 'ed25519', 'rsa']);

/** Default `keyTypes` of a service type: the algorithms we generate; RSA is opt-in. */
export const DEFAULT_KEY_TYPES: readonly PolicyKeyType[] = Object.freeze(['ec-p256', 'ec-p384', 'ed25519']);

/** Default leaf lifetime: 24 hours (capped at the type's maxTtl when that is shorter). */
export const DEFAULT_LEAF_TTL_SECONDS = 86_400;

/** Default cap on any requested leaf lifetime: 7 days. */
export const DEFAULT_MAX_TTL_SECONDS = 7 * 86_400;

/**
 * Shortest leafTtl/maxTtl (and requested TTL) accepted: 10 s. Production lifetimes are hours;
 * seconds-long ones exist for tests and demos of renewal (the signer backdates a leaf by at most a
 * tenth of its lifetime, so a 10 s leaf is valid for about 11 s and renews after about 7).
 */
export const MIN_TTL_SECONDS = 10;

/** Longest leafTtl/maxTtl a config may set: 365 days (leaves are meant to be short-lived). */
export const MAX_TTL_LIMIT_SECONDS = 365 * 86_400;

/** Minimum RSA modulus size, in bits, when `rsa` is allowed. */
export const MIN_RSA_BITS = 2048;

/** The policy of one service type, all defaults applied. */
export interface ServiceTypePolicy {
  /** The type's name (type-name grammar of libs/names: 1–31 of `[a-z0-9-]`, letter first, no trailing `-`), not `admin` or `platform`. */
  name: string;
  /** Types whose instances may connect to this one (inbound). Sorted, no duplicates. */
  accepts: readonly string[];
  /** Types this one connects to (outbound). Sorted, no duplicates. */
  dials: readonly string[];
  /** Lifetime of a leaf when the request names none. Default 86400 (24h), ≤ maxTtlSeconds. */
  leafTtlSeconds: number;
  /** Upper bound on any leaf lifetime. Default 604800 (7d). */
  maxTtlSeconds: number;
  /** Key types accepted in CSRs. Default ec-p256, ec-p384, ed25519. */
  keyTypes: readonly PolicyKeyType[];
  /** DNS SAN templates, e.g. `{instance}.{type}.svc`. Default none. */
  dnsTemplates: readonly string[];
  /** Whether CSRs may carry IP SANs (passed through when valid). Default false. */
  allowIpSans: boolean;
}

/** A whole mesh: the trust domain and every service type. Deep-frozen. */
export interface MeshConfig {
  trustDomain: string;
  types: Readonly<Record<string, ServiceTypePolicy>>;
}

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
