/**
 * Converts the signer's wire TrustBundle into the data plane's validated {@link TrustBundle}:
 * per requested type, the roots in state ACTIVE, INCOMING or RETIRING (an unknown state is left
 * out, failing closed). A requested type the signer did not mention gets no roots, so its peers
 * are refused rather than trusted by accident.
 */
import { AnchorState, type TrustBundle as WireBundle } from '@trustmesh/proto';
import { createTrustBundle, type TrustBundle } from '../trust/trust-source';

const TRUSTED_STATES: ReadonlySet<AnchorState> = new Set([
  AnchorState.ACTIVE,
  AnchorState.INCOMING,
  AnchorState.RETIRING,
]);

/**
 * @throws SidecarError `TRUST_INVALID` when a root does not parse or is not a self-signed CA, or
 *   the version is not a safe non-negative integer.
 */
export function toTrustBundle(wire: WireBundle, types: readonly string[]): TrustBundle {
  const roots = new Map<string, Buffer[]>(types.map((t) => [t, []]));
  for (const entry of wire.types) {
    const list = roots.get(entry.serviceType);
    if (!list) continue; // a type we did not ask for is never trusted
    for (const a of entry.anchors) if (TRUSTED_STATES.has(a.state)) list.push(Buffer.from(a.certificate));
  }
  return createTrustBundle(wire.version, Object.fromEntries(roots));
}

/** The bundle's renew-before hint as a Date, `undefined` when 0 (no hint). */
export function renewBeforeOf(wire: WireBundle): Date | undefined {
  return wire.renewBeforeUnix > 0 ? new Date(wire.renewBeforeUnix * 1000) : undefined;
}
