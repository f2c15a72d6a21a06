/**
 * SPIFFE IDs as TrustMesh uses them: `spiffe://<trust-domain>/<service-type>/<instance-id>`. The
 * grammar of every part is libs/names (libs/names/src/spiffe.ts); this file only keeps pki's own
 * error type.
 */
import { formatSpiffeId, isNameError, parseSpiffeId as parseNames, type SpiffeId } from '@trustmesh/names';
import { PkiError } from './errors';

/** Runs a libs/names call, turning its NameError into PkiError SAN_INVALID (detail: the rule broken). */
function sanChecked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isNameError(err)) throw new PkiError('SAN_INVALID', `${err.code}: ${err.message}`);
    throw err;
  }
}

/**
 * The SPIFFE ID of one instance. Trust domain: a lowercase DNS name; service type: 1–31 of
 * `[a-z0-9-]`, letter first; instance id: a lowercase DNS name of at most 63 characters (the
 * rules of libs/names).
 * @throws PkiError SAN_INVALID when a part breaks those rules.
 */
export function spiffeId(trustDomain: string, serviceType: string, instanceId: string): string {
  return sanChecked(() => formatSpiffeId(trustDomain, serviceType, instanceId));
}

/** The parts of a TrustMesh SPIFFE ID. @throws PkiError SAN_INVALID for any other URI. */
export function parseSpiffeId(uri: string): { trustDomain: string; serviceType: string; instanceId: string } {
  const id: SpiffeId = sanChecked(() => parseNames(uri));
  return { trustDomain: id.trustDomain, serviceType: id.serviceType, instanceId: id.instanceId };
}
