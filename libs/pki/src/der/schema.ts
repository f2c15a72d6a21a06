/**
 * Typed accessors over a {@link DerNode} tree. Each takes the error code to throw when the value
 * has the wrong shape, so the CSR parser reports CSR_MALFORMED and the certificate parser
 * CERT_MALFORMED for "valid DER, wrong structure".
 */
import { PkiError, type PkiErrorCode } from '../errors';
import { decodeOid } from './oids';
import type { DerNode } from './reader';

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8: 0x0c,
  PRINTABLE: 0x13,
  T61: 0x14,
  IA5: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** `node` (which may be missing) must carry `tag`. */
export function expect(node: DerNode | undefined, tag: number, code: PkiErrorCode, what: string): DerNode {
  if (!node || node.tag !== tag) throw new PkiError(code, `${what}: expected tag 0x${tag.toString(16)}`);
  return node;
}

/** Children of a constructed `node` with `tag`, between `min` and `max` of them. */
export function children(
  node: DerNode | undefined,
  tag: number,
  code: PkiErrorCode,
  what: string,
  min = 0,
  max = Infinity,
): DerNode[] {
  const kids = expect(node, tag, code, what).children;
  if (!kids || kids.length < min || kids.length > max) throw new PkiError(code, `${what}: wrong element count`);
  return kids;
}

/** Content bytes of `node` (a view, not a copy). */
export const content = (n: DerNode): Buffer => n.buf.subarray(n.contentStart, n.end);
/** The whole TLV of `node` (a view, not a copy). */
export const encoded = (n: DerNode): Buffer => n.buf.subarray(n.start, n.end);

/** Dotted OID of an OBJECT IDENTIFIER node. */
export function oidOf(n: DerNode | undefined, code: PkiErrorCode, what: string): string {
  return decodeOid(content(expect(n, TAG.OID, code, what)));
}

/** Value of a small non-negative INTEGER (up to 2^31). */
export function smallIntOf(n: DerNode | undefined, code: PkiErrorCode, what: string): number {
  const c = content(expect(n, TAG.INTEGER, code, what));
  if (c.length > 4 || c[0] & 0x80) throw new PkiError(code, `${what}: integer out of range`);
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

/** Bytes of a BIT STRING that must have no unused bits. */
export function bitStringBytes(n: DerNode | undefined, code: PkiErrorCode, what: string): Buffer {
  const c = content(expect(n, TAG.BIT_STRING, code, what));
  if (c[0] !== 0) throw new PkiError(code, `${what}: unused bits`);
  return c.subarray(1);
}

/** BOOLEAN value. */
export function boolOf(n: DerNode, code: PkiErrorCode, what: string): boolean {
  return content(expect(n, TAG.BOOLEAN, code, what))[0] === 0xff;
}

/** Text of a directory string (UTF8, Printable, IA5, T61 as Latin-1, BMP). */
export function stringOf(n: DerNode, code: PkiErrorCode, what: string): string {
  const c = content(n);
  switch (n.tag) {
    case TAG.UTF8: {
      const s = c.toString('utf8');
      if (Buffer.byteLength(s, 'utf8') !== c.length || s.includes('\ufffd'))
        throw new PkiError(code, `${what}: bad UTF-8`);
      return s;
    }
    case TAG.PRINTABLE:
    case TAG.IA5:
    case TAG.T61:
    case 0x1a:
      return c.toString('latin1');
    case TAG.BMP: {
      if (c.length % 2) throw new PkiError(code, `${what}: bad BMPString`);
      return Buffer.from(c).swap16().toString('utf16le');
    }
    default:
      throw new PkiError(code, `${what}: not a string`);
  }
}

const TIME_RE = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** UTCTime or GeneralizedTime in the RFC 5280 profile (seconds, `Z`), as a Date. */
export function timeOf(n: DerNode | undefined, code: PkiErrorCode, what: string): Date {
  if (!n || (n.tag !== TAG.UTC_TIME && n.tag !== TAG.GENERALIZED_TIME)) throw new PkiError(code, `${what}: not a time`);
  const s = content(n).toString('latin1');
  const m = TIME_RE.exec(s);
  const wantLen = n.tag === TAG.UTC_TIME ? 13 : 15;
  if (!m || s.length !== wantLen) throw new PkiError(code, `${what}: bad time format`);
  let year = Number(m[1]);
  if (n.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6]].map(Number);
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, se));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) {
    throw new PkiError(code, `${what}: invalid date`);
  }
  return date;
}
