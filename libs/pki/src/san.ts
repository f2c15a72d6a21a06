/**
 * Subject alternative names: the set TrustMesh uses (DNS, URI, IP), validation, and the
 * GeneralNames encoder/decoder. Other GeneralName types (email, directoryName, otherName…) are
 * refused: the signer never copies a name it cannot check.
 */
import { PkiError } from './errors';
import { parseDer } from './der/reader';
import { children, content, TAG } from './der/schema';
import { seq, tlv } from './der/writer';
import { bytesToIp, ipToBytes } from './ip';

/** DNS names, URIs (e.g. the SPIFFE ID) and IP addresses (text form) of a certificate or CSR. */
export interface SanSet {
  dns: string[];
  uris: string[];
  ips: string[];
}

// Printable ASCII, no space: rules out NUL, control characters and every non-ASCII byte.
const DNS_RE = /^[\x21-\x7e]{1,253}$/;
const URI_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]{1,2040}$/;

/** Checks one DNS SAN. @throws PkiError SAN_INVALID (empty, over 253 chars, non-ASCII, NUL, space). */
export function checkDnsName(name: string): string {
  if (typeof name !== 'string' || !DNS_RE.test(name))
    throw new PkiError('SAN_INVALID', 'DNS name must be printable ASCII');
  return name;
}

/** Checks one URI SAN. @throws PkiError SAN_INVALID (no scheme, non-ASCII, spaces, control chars). */
export function checkUri(uri: string): string {
  if (typeof uri !== 'string' || !URI_RE.test(uri))
    throw new PkiError('SAN_INVALID', 'URI must be printable ASCII with a scheme');
  return uri;
}

/** A full SanSet from a partial one (missing lists are empty). */
export function normalizeSans(s: Partial<SanSet> | undefined): SanSet {
  return { dns: [...(s?.dns ?? [])], uris: [...(s?.uris ?? [])], ips: [...(s?.ips ?? [])] };
}

/** True when the set holds no name at all. */
export const sansEmpty = (s: SanSet): boolean => s.dns.length + s.uris.length + s.ips.length === 0;

/**
 * DER GeneralNames for `sans`: URIs ([6]), then DNS names ([2]), then IPs ([7]). Validates every
 * name. @throws PkiError SAN_INVALID.
 */
export function encodeGeneralNames(sans: SanSet): Buffer {
  const parts: Buffer[] = [];
  for (const u of sans.uris) parts.push(tlv(0x86, Buffer.from(checkUri(u), 'latin1')));
  for (const d of sans.dns) parts.push(tlv(0x82, Buffer.from(checkDnsName(d), 'latin1')));
  for (const ip of sans.ips) parts.push(tlv(0x87, ipToBytes(ip)));
  return seq(...parts);
}

/**
 * Decodes the extnValue of a subjectAltName extension (DER GeneralNames).
 * @throws PkiError DER_MALFORMED (bad DER), SAN_INVALID (empty list, unsupported name type, a DNS
 * name or URI that is not printable ASCII, an IP of the wrong length).
 */
export function decodeGeneralNames(extnValue: Uint8Array): SanSet {
  const names = children(parseDer(extnValue, { maxDepth: 4 }), TAG.SEQUENCE, 'SAN_INVALID', 'GeneralNames', 1);
  const out: SanSet = { dns: [], uris: [], ips: [] };
  for (const n of names) {
    const c = content(n);
    switch (n.tag) {
      case 0x82:
        out.dns.push(checkDnsName(c.toString('latin1')));
        break;
      case 0x86:
        out.uris.push(checkUri(c.toString('latin1')));
        break;
      case 0x87:
        out.ips.push(bytesToIp(c));
        break;
      default:
        throw new PkiError('SAN_INVALID', `unsupported GeneralName tag 0x${n.tag.toString(16)}`);
    }
  }
  return out;
}
