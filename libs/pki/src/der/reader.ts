/**
 * Strict DER reader. `parseDer` decodes a whole buffer into a tree of {@link DerNode}s and
 * rejects anything that is not canonical DER: trailing bytes, indefinite lengths, non-minimal
 * lengths, high-tag-number or unknown universal tags, constructed strings, non-minimal
 * INTEGERs, malformed BOOLEAN/NULL/BIT STRING/OID contents, nesting deeper than `maxDepth`,
 * and input over `maxBytes`. It walks with an explicit stack, never recursion, so hostile
 * nesting gives a PkiError, not a RangeError. Every failure is `PkiError('DER_MALFORMED')`
 * (or INPUT_EMPTY / INPUT_TOO_LARGE); the schema layers above turn "valid DER, wrong shape"
 * into their own codes.
 */
import { PkiError } from '../errors';

/** One decoded TLV. Offsets index into `buf`; `children` is null for primitive encodings. */
export interface DerNode {
  readonly buf: Buffer;
  /** The identifier octet (class | constructed bit | tag number < 31). */
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
  readonly children: DerNode[] | null;
}

/** Options of {@link parseDer}. */
export interface DerReadOptions {
  /** Largest accepted input in bytes (default 65536). Larger input: INPUT_TOO_LARGE. */
  maxBytes?: number;
  /** Deepest accepted nesting of constructed values, the outermost being 1 (default 32). */
  maxDepth?: number;
}

export const DEFAULT_MAX_DER_BYTES = 65536;
export const DEFAULT_MAX_DER_DEPTH = 32;

// Universal tag numbers we accept: BOOLEAN, INTEGER, BIT/OCTET STRING, NULL, OID, ENUMERATED,
// UTF8String, SEQUENCE, SET, Numeric/Printable/T61/IA5 strings, UTCTime, GeneralizedTime,
// VisibleString, UniversalString, BMPString. Anything else in X.509/PKCS#10 is not ours to accept.
const UNIVERSAL_OK = new Uint8Array(32);
for (const n of [1, 2, 3, 4, 5, 6, 10, 12, 16, 17, 18, 19, 20, 22, 23, 24, 26, 28, 30]) UNIVERSAL_OK[n] = 1;

function fail(detail: string): never {
  throw new PkiError('DER_MALFORMED', detail);
}

function readHeader(buf: Buffer, pos: number, limit: number): DerNode {
  if (pos + 2 > limit) fail(`truncated header at ${pos}`);
  const tag = buf[pos];
  if ((tag & 0x1f) === 0x1f) fail(`high-tag-number form at ${pos}`);
  if ((tag & 0xc0) === 0) {
    const num = tag & 0x1f;
    if (UNIVERSAL_OK[num] === 0) fail(`unsupported universal tag ${num} at ${pos}`);
    const mustBeConstructed = num === 16 || num === 17;
    if (mustBeConstructed !== ((tag & 0x20) !== 0)) fail(`wrong constructed bit for tag ${num} at ${pos}`);
  }
  const first = buf[pos + 1];
  let len: number;
  let hdr: number;
  if (first < 0x80) {
    len = first;
    hdr = 2;
  } else {
    const n = first & 0x7f;
    if (n === 0) fail(`indefinite length at ${pos}`);
    if (n > 4) fail(`length of length ${n} at ${pos}`);
    if (pos + 2 + n > limit) fail(`truncated length at ${pos}`);
    if (buf[pos + 2] === 0) fail(`non-minimal length at ${pos}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + 2 + i];
    if (len < 0x80) fail(`non-minimal length at ${pos}`);
    hdr = 2 + n;
  }
  const contentStart = pos + hdr;
  const end = contentStart + len;
  if (end > limit) fail(`truncated value at ${pos}`);
  return { buf, tag, start: pos, contentStart, end, children: (tag & 0x20) !== 0 ? [] : null };
}

function checkPrimitive(n: DerNode): void {
  const { buf, contentStart: s, end: e } = n;
  const len = e - s;
  switch (n.tag) {
    case 0x01:
      if (len !== 1 || (buf[s] !== 0 && buf[s] !== 0xff)) fail(`bad BOOLEAN at ${n.start}`);
      return;
    case 0x02:
    case 0x0a:
      if (len === 0) fail(`empty INTEGER at ${n.start}`);
      if (len > 1 && ((buf[s] === 0 && buf[s + 1] < 0x80) || (buf[s] === 0xff && buf[s + 1] >= 0x80))) {
        fail(`non-minimal INTEGER at ${n.start}`);
      }
      return;
    case 0x03: {
      if (len === 0) fail(`empty BIT STRING at ${n.start}`);
      const unused = buf[s];
      if (unused > 7 || (len === 1 && unused !== 0)) fail(`bad BIT STRING padding at ${n.start}`);
      if (unused !== 0 && (buf[e - 1] & ((1 << unused) - 1)) !== 0) fail(`non-zero BIT STRING padding at ${n.start}`);
      return;
    }
    case 0x05:
      if (len !== 0) fail(`bad NULL at ${n.start}`);
      return;
    case 0x06: {
      if (len === 0) fail(`empty OID at ${n.start}`);
      if ((buf[e - 1] & 0x80) !== 0) fail(`truncated OID at ${n.start}`);
      let atStart = true;
      for (let i = s; i < e; i++) {
        if (atStart && buf[i] === 0x80) fail(`non-minimal OID at ${n.start}`);
        atStart = (buf[i] & 0x80) === 0;
      }
      return;
    }
    default:
      return;
  }
}

/**
 * Decodes `input` as exactly one strict-DER value (see the module comment for what is rejected).
 * @throws PkiError INPUT_EMPTY, INPUT_TOO_LARGE or DER_MALFORMED.
 */
export function parseDer(input: Uint8Array, opts: DerReadOptions = {}): DerNode {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_DER_BYTES;
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DER_DEPTH;
  if (input.length === 0) throw new PkiError('INPUT_EMPTY');
  if (input.length > maxBytes) throw new PkiError('INPUT_TOO_LARGE', `${input.length} > ${maxBytes} bytes`);
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.length);
  const root = readHeader(buf, 0, buf.length);
  if (root.end !== buf.length) fail(`${buf.length - root.end} trailing bytes`);
  if (root.children === null) {
    checkPrimitive(root);
    return root;
  }
  // Explicit stack of open constructed values and the read position inside each.
  const nodes: DerNode[] = [root];
  const cursors: number[] = [root.contentStart];
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const parent = nodes[top];
    const pos = cursors[top];
    if (pos === parent.end) {
      nodes.pop();
      cursors.pop();
      continue;
    }
    const child = readHeader(buf, pos, parent.end);
    (parent.children as DerNode[]).push(child);
    cursors[top] = child.end;
    if (child.children === null) {
      checkPrimitive(child);
    } else {
      if (nodes.length + 1 > maxDepth) fail(`nesting deeper than ${maxDepth}`);
      nodes.push(child);
      cursors.push(child.contentStart);
    }
  }
  return root;
}
