import { X509Certificate } from 'node:crypto';
import { parseSpiffeId, PkiError } from '@trustmesh/pki';
import type { MeshConfig } from '@trustmesh/policy';
import { peerIntermediates, trustedRoots, type CaSnapshot, type X509Cache } from './ca-snapshot';
import { SignerError } from './errors';

/** Who a verified client certificate belongs to. */
export interface PeerIdentity {
  serviceType: string;
  instanceId: string;
  spiffeId: string;
  serialHex: string;
}

/**
 * Authenticates a client certificate (DER leaf, as presented over mTLS and already path-checked
 * by the TLS layer against all mesh roots at the machine's clock). This binds it to a type: the
 * leaf must carry exactly one SPIFFE URI SAN in the mesh's trust domain, be signed by a
 * (non-retired) intermediate of the type it names, which must be signed by one of that type's
 * roots, be an end entity with EKU clientAuth, and leaf, intermediate and root must all be valid
 * at `now` (the injected clock). Signatures go through OpenSSL (X509Certificate); CA certificates
 * and their links are parsed and verified once (X509Cache); a leaf that passed under the current
 * snapshot is remembered by its bytes, so renewing with it again re-checks only validity at `now`.
 * @throws SignerError PEER_CERT_INVALID (unparsable, no/foreign SPIFFE ID, no issuer among the
 * type's CAs), PkiError CHAIN_EXPIRED / CHAIN_NOT_YET_VALID / CHAIN_UNTRUSTED / CHAIN_INVALID.
 */
export function verifyPeer(
  leafDer: Buffer,
  snapshot: CaSnapshot,
  mesh: MeshConfig,
  now: Date,
  cache: X509Cache,
): PeerIdentity {
  // Same bytes under the same snapshot: only the clock-dependent checks are left, in the same
  // order as below. Only certificates that passed everything are remembered.
  const known = cache.verifiedPeer(snapshot, leafDer);
  if (known) {
    for (const w of known.windows) checkTime(w.notBefore, w.notAfter, now, w.what);
    return { ...known.identity };
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(leafDer);
  } catch (err) {
    throw new SignerError('PEER_CERT_INVALID', 'unparsable client certificate', { cause: err });
  }
  const uris = splitSan(leaf.subjectAltName)
    .filter((s) => s.startsWith('URI:'))
    .map((s) => s.slice(4));
  if (uris.length !== 1) throw new SignerError('PEER_CERT_INVALID', 'client certificate needs exactly one URI SAN');
  let id: ReturnType<typeof parseSpiffeId>;
  try {
    id = parseSpiffeId(uris[0] as string);
  } catch (err) {
    throw new SignerError('PEER_CERT_INVALID', 'client certificate URI SAN is not a SPIFFE ID', { cause: err });
  }
  if (id.trustDomain !== mesh.trustDomain)
    throw new SignerError('PEER_CERT_INVALID', `foreign trust domain ${id.trustDomain}`);

  const roots = trustedRoots(snapshot, id.serviceType);
  const issuer = peerIntermediates(snapshot, id.serviceType).find((ca) => {
    try {
      return leaf.checkIssued(cache.get(ca).x509) && leaf.verify(cache.get(ca).publicKey);
    } catch {
      return false;
    }
  });
  if (!issuer) throw new PkiError('CHAIN_UNTRUSTED', `no CA of type ${id.serviceType} issued this certificate`);
  const root = roots.find((r) => cache.issuedBy(issuer, r));
  if (!root)
    throw new PkiError('CHAIN_UNTRUSTED', `intermediate ${issuer.id} does not chain to a ${id.serviceType} root`);
  checkLeaf(leaf);
  const windows = [
    { notBefore: Date.parse(leaf.validFrom), notAfter: Date.parse(leaf.validTo), what: 'client certificate' },
    ...[issuer, root].map((ca) => ({
      notBefore: ca.notBefore.getTime(),
      notAfter: ca.notAfter.getTime(),
      what: ca.id,
    })),
  ];
  for (const w of windows) checkTime(w.notBefore, w.notAfter, now, w.what);
  const identity = {
    serviceType: id.serviceType,
    instanceId: id.instanceId,
    spiffeId: uris[0] as string,
    serialHex: leaf.serialNumber.toLowerCase(),
  };
  cache.rememberPeer(snapshot, leafDer, { identity, windows });
  return { ...identity };
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';

/** The leaf must be an end entity, usable for client auth (its validity is checked by the caller). */
function checkLeaf(leaf: X509Certificate): void {
  if (leaf.ca) throw new PkiError('CHAIN_INVALID', 'the client certificate is a CA');
  const eku = leaf.keyUsage; // Node names the extended key usage OIDs `keyUsage`
  if (eku && !eku.includes(CLIENT_AUTH) && !eku.includes(ANY_EKU))
    throw new PkiError('CHAIN_INVALID', 'no clientAuth EKU');
}

function checkTime(notBefore: number, notAfter: number, now: Date, what: string): void {
  const t = now.getTime();
  if (!(t >= notBefore)) throw new PkiError('CHAIN_NOT_YET_VALID', what);
  if (!(t <= notAfter)) throw new PkiError('CHAIN_EXPIRED', what);
}

/**
 * Splits Node's `subjectAltName` text ("DNS:a, URI:b"). Node quotes entries that contain a comma
 * or quote (JSON string syntax), so split outside quotes and unquote.
 */
function splitSan(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && ch === ',' && text[i + 1] === ' ') {
      out.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += ch;
  }
  if (cur) out.push(cur);
  return out.map((e) => {
    const colon = e.indexOf(':');
    const value = e.slice(colon + 1);
    return value.startsWith('"') ? `${e.slice(0, colon + 1)}${JSON.parse(value) as string}` : e;
  });
}
