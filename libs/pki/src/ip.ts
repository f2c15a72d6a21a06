/**
 * IP address text ⇄ bytes for iPAddress SANs (IPv4 dotted quad, IPv6 per RFC 4291 text forms
 * in, RFC 5952 canonical form out). Pure string work: libs/pki may not import `node:net`.
 */
import { PkiError } from './errors';

const V4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function v4Bytes(s: string): number[] | null {
  return V4_RE.test(s) ? s.split('.').map(Number) : null;
}

function v6Bytes(s: string): number[] | null {
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(s)) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = v4Bytes(p);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** 4 or 16 address bytes for an IPv4 or IPv6 text. @throws PkiError SAN_INVALID. */
export function ipToBytes(text: string): Buffer {
  const b = v4Bytes(text) ?? v6Bytes(text);
  if (!b) throw new PkiError('SAN_INVALID', `bad IP address ${JSON.stringify(text).slice(0, 60)}`);
  return Buffer.from(b);
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
  for (let i = 0; i < 8; ) {
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
