/**
 * SPIFFE ID checks on peer certificates — the sidecar's defence in depth on top of the per-type
 * trust store: a peer must also *name* an allowed type in the mesh's trust domain.
 */
import { tryParseSpiffeId, type SpiffeId } from '@trustmesh/names';

/** The three parts of `spiffe://<trust-domain>/<type>/<instance-id>`. */
export type SpiffeParts = SpiffeId;

/**
 * Parses one SPIFFE ID of the mesh's form (libs/names/src/spiffe.ts: strict, so ports, userinfo,
 * queries, percent escapes, extra path segments and upper case are refused, not normalised);
 * `undefined` when it is not exactly that form. The same grammar the signer issues by; one pass
 * and no exception, as it runs on every TLS handshake.
 */
export function parseSpiffeUri(uri: string): SpiffeParts | undefined {
  return tryParseSpiffeId(uri) ?? undefined;
}

/**
 * The URI SANs of a Node `subjectaltname` string (`"DNS:a, URI:spiffe://…"`). Entries Node had
 * to quote (they contain `,` or `"`) are returned verbatim, quotes included, so they never
 * parse as a SPIFFE ID.
 */
export function uriSans(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName
    .split(', ')
    .filter((e) => e.startsWith('URI:'))
    .map((e) => e.slice(4));
}

/** Why a peer was refused by {@link authorizePeer}; stable, used in logs and metrics. */
export type PeerRefusal = 'NO_SPIFFE_ID' | 'MULTIPLE_SPIFFE_IDS' | 'WRONG_TRUST_DOMAIN' | 'TYPE_NOT_ALLOWED';

/** Outcome of {@link authorizePeer}. */
export type PeerDecision =
  | { readonly ok: true; readonly id: string; readonly peer: SpiffeParts }
  | { readonly ok: false; readonly reason: PeerRefusal; readonly id?: string };

/**
 * Fails closed: exactly one URI SAN, of SPIFFE form, in `trustDomain`, whose type is in
 * `allowed`. An empty `allowed` refuses everyone.
 */
export function authorizePeer(
  subjectAltName: string | undefined,
  trustDomain: string,
  allowed: readonly string[],
): PeerDecision {
  const uris = uriSans(subjectAltName);
  if (uris.length === 0) return { ok: false, reason: 'NO_SPIFFE_ID' };
  if (uris.length > 1) return { ok: false, reason: 'MULTIPLE_SPIFFE_IDS' };
  const id = uris[0];
  const peer = parseSpiffeUri(id);
  if (!peer) return { ok: false, reason: 'NO_SPIFFE_ID', id };
  if (peer.trustDomain !== trustDomain) return { ok: false, reason: 'WRONG_TRUST_DOMAIN', id };
  if (!allowed.includes(peer.serviceType)) return { ok: false, reason: 'TYPE_NOT_ALLOWED', id };
  return { ok: true, id, peer };
}
