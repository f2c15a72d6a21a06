/**
 * Minimal DER writer: each function returns the complete TLV as a Buffer, written with one
 * allocation per value (lengths are known up front). Callers pass values that are already valid
 * (this is an encoder for our own templates, not a general ASN.1 library).
 */

/** Encodes a DER length header for `tag` and `len` into `out` at `pos`; returns the new position. */
function writeHeader(out: Buffer, pos: number, tag: number, len: number): number {
  out[pos++] = tag;
  if (len < 0x80) {
    out[pos++] = len;
  } else if (len < 0x100) {
    out[pos++] = 0x81;
    out[pos++] = len;
  } else if (len < 0x10000) {
    out[pos++] = 0x82;
    out[pos++] = len >>> 8;
    out[pos++] = len & 0xff;
  } else {
    out[pos++] = 0x83;
    out[pos++] = len >>> 16;
    out[pos++] = (len >>> 8) & 0xff;
    out[pos++] = len & 0xff;
  }
  return pos;
}

function headerSize(len: number): number {
  return len < 0x80 ? 2 : len < 0x100 ? 3 : len < 0x10000 ? 4 : 5;
}

/** A TLV with the given identifier octet whose content is the concatenation of `parts`. */
export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = Buffer.allocUnsafe(headerSize(len) + len);
  let pos = writeHeader(out, 0, tag, len);
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** SEQUENCE of the given encoded values. */
export const seq = (...parts: Uint8Array[]): Buffer => tlv(0x30, ...parts);
/** SET of the given encoded values (the caller orders them; we only ever emit one element). */
export const set = (...parts: Uint8Array[]): Buffer => tlv(0x31, ...parts);
/** OCTET STRING. */
export const octetString = (bytes: Uint8Array): Buffer => tlv(0x04, bytes);
/** BIT STRING with no unused bits. */
export const bitString = (bytes: Uint8Array): Buffer => tlv(0x03, ZERO, bytes);
/** Context-specific constructed [n]. */
export const explicit = (n: number, ...parts: Uint8Array[]): Buffer => tlv(0xa0 | n, ...parts);
/** UTF8String. */
export const utf8String = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
/** IA5String (the caller has checked that `s` is ASCII). */
export const ia5String = (s: string): Buffer => tlv(0x16, Buffer.from(s, 'latin1'));

const ZERO = Buffer.from([0]);
/** DER NULL. */
export const NULL = Buffer.from([0x05, 0x00]);
/** BOOLEAN TRUE. */
export const TRUE = Buffer.from([0x01, 0x01, 0xff]);

/** INTEGER for a small non-negative number. */
export function smallInt(n: number): Buffer {
  const bytes: number[] = [];
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

/**
 * INTEGER holding the non-negative number whose big-endian magnitude is `magnitude`: leading zero
 * bytes are stripped and one 0x00 is prepended when the top bit is set, so the result is positive
 * and minimal.
 */
export function unsignedInt(magnitude: Uint8Array): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const body = magnitude.subarray(i);
  return body.length > 0 && body[0] & 0x80 ? tlv(0x02, ZERO, body) : tlv(0x02, body.length ? body : ZERO);
}

/** Encodes a dotted OID string as a complete OBJECT IDENTIFIER TLV. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const out: number[] = [];
  const push = (v: bigint): void => {
    const tmp: number[] = [Number(v & 0x7fn)];
    v >>= 7n;
    while (v > 0n) {
      tmp.unshift(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(...tmp);
  };
  push(arcs[0] * 40n + arcs[1]);
  for (let i = 2; i < arcs.length; i++) push(arcs[i]);
  return tlv(0x06, Buffer.from(out));
}

function pad(n: number, width: number): string {
  return n.toString().padStart(width, '0');
}

/**
 * X.509 Time for `d` (whole seconds, UTC): UTCTime for years 1950–2049, GeneralizedTime
 * otherwise (RFC 5280 §4.1.2.5). The caller has validated the date.
 */
export function time(d: Date): Buffer {
  const y = d.getUTCFullYear();
  const rest =
    pad(d.getUTCMonth() + 1, 2) +
    pad(d.getUTCDate(), 2) +
    pad(d.getUTCHours(), 2) +
    pad(d.getUTCMinutes(), 2) +
    pad(d.getUTCSeconds(), 2) +
    'Z';
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(pad(y % 100, 2) + rest, 'latin1'));
  return tlv(0x18, Buffer.from(pad(y, 4) + rest, 'latin1'));
}
