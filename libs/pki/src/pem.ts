/**
 * PEM (RFC 7468) encoding and decoding, and the "PEM or DER in, DER out" helper the rest of the
 * library uses at its entry points.
 */
import { PkiError } from './errors';

/** Largest PEM text accepted by {@link pemDecodeAll} and {@link toDer} (1 MiB). */
export const MAX_PEM_CHARS = 1 << 20;

/** Wraps `der` as PEM with the given label (e.g. `CERTIFICATE`), 64-character lines, trailing newline. */
export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.length).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${label}-----\n`;
}

const BLOCK_RE = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/**
 * Every PEM block in `text`, in order. Text between blocks is ignored (as OpenSSL does).
 * @throws PkiError INPUT_EMPTY (no text), INPUT_TOO_LARGE (over 1 MiB), PEM_MALFORMED (no
 * block, mismatched BEGIN/END labels, bad base64, empty body).
 */
export function pemDecodeAll(text: string): { label: string; der: Buffer }[] {
  if (text.length === 0) throw new PkiError('INPUT_EMPTY');
  if (text.length > MAX_PEM_CHARS) throw new PkiError('INPUT_TOO_LARGE', `${text.length} characters`);
  const out: { label: string; der: Buffer }[] = [];
  for (const m of text.matchAll(BLOCK_RE)) {
    if (m[1] !== m[3]) throw new PkiError('PEM_MALFORMED', `BEGIN ${m[1]} closed by END ${m[3]}`);
    // Headers (RFC 1421 Proc-Type etc.) mean an encrypted legacy key: not supported.
    if (m[2].includes(':')) throw new PkiError('PEM_MALFORMED', 'PEM headers are not supported');
    const body = m[2].replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0 || body.length === 0) {
      throw new PkiError('PEM_MALFORMED', `bad base64 in ${m[1]}`);
    }
    out.push({ label: m[1], der: Buffer.from(body, 'base64') });
  }
  if (out.length === 0) throw new PkiError('PEM_MALFORMED', 'no PEM block');
  return out;
}

/** True when `input` looks like PEM text rather than DER bytes. */
function looksLikePem(input: string | Uint8Array): input is string {
  return typeof input === 'string';
}

/**
 * DER bytes from PEM text or DER bytes. Bytes that start with `-----BEGIN` are treated as PEM.
 * With `labels`, the first block whose label is one of them is taken; else the first block.
 * @throws PkiError INPUT_EMPTY, INPUT_TOO_LARGE, PEM_MALFORMED (also when no block has a wanted label).
 */
export function toDer(input: string | Uint8Array, label?: string | string[]): Buffer {
  let text: string | undefined;
  if (looksLikePem(input)) {
    text = input;
  } else {
    if (input.length === 0) throw new PkiError('INPUT_EMPTY');
    const head = Buffer.from(input.buffer, input.byteOffset, Math.min(input.length, 64)).toString('latin1');
    if (head.trimStart().startsWith('-----BEGIN')) {
      if (input.length > MAX_PEM_CHARS) throw new PkiError('INPUT_TOO_LARGE', `${input.length} bytes`);
      text = Buffer.from(input.buffer, input.byteOffset, input.length).toString('latin1');
    } else {
      return Buffer.from(input.buffer, input.byteOffset, input.length);
    }
  }
  const blocks = pemDecodeAll(text);
  if (label === undefined) return blocks[0].der;
  const wanted = Array.isArray(label) ? label : [label];
  const hit = blocks.find((b) => wanted.includes(b.label));
  if (!hit) throw new PkiError('PEM_MALFORMED', `no ${wanted.join(' or ')} block`);
  return hit.der;
}
