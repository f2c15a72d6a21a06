/**
 * IP address text (pure string work: no `node:net`).
 *   ipv4 = dec-octet 3( "." dec-octet )     dec-octet = 0–255 in decimal, no leading zero
 *   ipv6 = the text forms of RFC 4291 §2.2: eight groups of 1–4 hex digits (either case), one
 *          `::` for a run of zero groups, an ipv4 as the last 32 bits (`::ffff:10.0.0.1`);
 *          no zone id (`%eth0`), no brackets, no prefix length.
 */
import { NameError, problem, type NameProblem } from './errors';

const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_RE = new RegExp(`^${DEC_OCTET}(?:\\.${DEC_OCTET}){3}$`);
const HEXTET_RE = /^[0-9a-fA-F]{1,4}$/;
/** Longest IPv6 text: six full groups and an IPv4 tail. */
const MAX_IPV6_LENGTH = 45;

const BAD = problem(
  'IP_ADDRESS_INVALID',
  'must be an IPv4 address (dotted quad, no leading zeros) or an IPv6 address (RFC 4291 text form, no zone)',
);

/** True for IPv4 text (ipv4 above). */
export function isIpv4(text: string): boolean {
  return IPV4_RE.test(text);
}

/** The 4 bytes of IPv4 text, or null. */
function v4Bytes(text: string): number[] | null {
  return IPV4_RE.test(text) ? text.split('.').map(Number) : null;
}

/** The groups of one side of `::` (the IPv4 tail, when allowed, counts as two groups), or null. */
function groups(side: string, v4TailAllowed: boolean): number[] | null {
  if (side === '') return [];
  const parts = side.split(':');
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    if (v4TailAllowed && i === parts.length - 1 && p.includes('.')) {
      const v4 = v4Bytes(p);
      if (!v4) return null;
      out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
    } else if (HEXTET_RE.test(p)) {
      out.push(parseInt(p, 16));
    } else {
      return null;
    }
  }
  return out;
}

/** The 16 bytes of IPv6 text, or null. */
function v6Bytes(text: string): number[] | null {
  if (text.length < 2 || text.length > MAX_IPV6_LENGTH) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const compressed = halves.length === 2;
  // The IPv4 tail may only be the last 32 bits: at the end of the text.
  const head = groups(halves[0] as string, !compressed);
  const tail = compressed ? groups(halves[1] as string, true) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (compressed ? missing < 1 : missing !== 0) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail].flatMap((g) => [g >> 8, g & 0xff]);
}

/** Why `text` is not an IPv4 or IPv6 address (grammar above), or null when it is. */
export function ipAddressProblem(text: unknown): NameProblem | null {
  if (typeof text !== 'string') return BAD;
  return (v4Bytes(text) ?? v6Bytes(text)) ? null : BAD;
}

/** True when `text` is IPv4 or IPv6 address text. */
export function isIpAddress(text: unknown): boolean {
  return ipAddressProblem(text) === null;
}

/** True for IPv6 address text (ipv6 above). */
export function isIpv6(text: string): boolean {
  return v6Bytes(text) !== null;
}

/**
 * The address bytes: 4 for IPv4, 16 for IPv6 (network order).
 * @throws NameError IP_ADDRESS_INVALID
 */
export function parseIpAddress(text: unknown): Uint8Array {
  const b = typeof text === 'string' ? (v4Bytes(text) ?? v6Bytes(text)) : null;
  if (!b) throw new NameError(BAD);
  return Uint8Array.from(b);
}
