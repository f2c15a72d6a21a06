/**
 * IP address text ⇄ bytes for iPAddress SANs: text in by the grammar of libs/names
 * (libs/names/src/ip.ts: IPv4 dotted quad, IPv6 per RFC 4291 text forms), RFC 5952 canonical
 * form out.
 */
import { isNameError, parseIpAddress } from '@trustmesh/names';
import { PkiError } from './errors';

/** 4 or 16 address bytes for an IPv4 or IPv6 text. @throws PkiError SAN_INVALID. */
export function ipToBytes(text: string): Buffer {
  try {
    return Buffer.from(parseIpAddress(text));
  } catch (err) {
    if (isNameError(err)) throw new PkiError('SAN_INVALID', `bad IP address ${JSON.stringify(text).slice(0, 60)}`);
    throw err;
  }
}

/** Text of 4 or 16 address bytes (IPv6 in RFC 5952 form). @throws PkiError SAN_INVALID for other lengths. */
export function bytesToIp(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length !== 16) throw new PkiError('SAN_INVALID', `iPAddress of ${b.length} bytes`);
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i] << 8) | b[i + 1]);
  // Longest run (length >= 2) of zero groups becomes "::" (the first one on ties).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
