import { X509Certificate } from 'node:crypto';
import { parseSpiffeId, PkiError, verifyChain } from '@trustmesh/pki';
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
 * Authenticates a client certificate (DER leaf, as presented over mTLS). The TLS layer only
 * requests it; this decides. The leaf must carry exactly one SPIFFE URI SAN in the mesh's trust
 * domain, be issued by a (non-retired) intermediate of the type it names, and chain from there
 * to one of that type's roots at `now` with EKU clientAuth.
 * @throws SignerError PEER_CERT_INVALID (unparsable, no/foreign SPIFFE ID, no issuer among the
 * type's CAs), PkiError CHAIN_EXPIRED / CHAIN_NOT_YET_VALID / CHAIN_UNTRUSTED / CHAIN_INVALID.
 */
export function verifyPeer(leafDer: Buffer, snapshot: CaSnapshot, mesh: MeshConfig, now: Date, cache: X509Cache): PeerIdentity {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(leafDer);
  } catch (err) {
    throw new SignerError('PEER_CERT_INVALID', 'unparsable client certificate', { cause: err });
  }
  const uris = splitSan(leaf.subjectAltName).filter((s) => s.startsWith('URI:')).map((s) => s.slice(4));
  if (uris.length !== 1) throw new SignerError('PEER_CERT_INVALID', 'client certificate needs exactly one URI SAN');
  let id: ReturnType<typeof parseSpiffeId>;
  try {
    id = parseSpiffeId(uris[0] as string);
  } catch (err) {
    throw new SignerError('PEER_CERT_INVALID', 'client certificate URI SAN is not a SPIFFE ID', { cause: err });
  }
  if (id.trustDomain !== mesh.trustDomain) throw new SignerError('PEER_CERT_INVALID', `foreign trust domain ${id.trustDomain}`);

  const roots = trustedRoots(snapshot, id.serviceType).map((r) => r.certificateDer);
  const candidates = peerIntermediates(snapshot, id.serviceType).filter((ca) => {
    try {
      return leaf.checkIssued(cache.get(ca));
    } catch {
      return false;
    }
  });
  if (candidates.length === 0 || roots.length === 0) {
    throw new PkiError('CHAIN_UNTRUSTED', `no CA of type ${id.serviceType} issued this certificate`);
  }
  let last: unknown;
  for (const ca of candidates) {
    try {
      verifyChain({ chain: [leafDer, ca.certificateDer], anchors: roots, at: now, purpose: 'clientAuth' });
      return { serviceType: id.serviceType, instanceId: id.instanceId, spiffeId: uris[0] as string, serialHex: leaf.serialNumber.toLowerCase() };
    } catch (err) {
      last = err;
    }
  }
  throw last;
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
