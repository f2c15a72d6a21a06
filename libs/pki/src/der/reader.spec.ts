import { PkiError } from '../errors';
import { parseDer } from './reader';
import { oid, seq, smallInt, time, unsignedInt } from './writer';
import { decodeOid } from './oids';
import { timeOf } from './schema';

const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof PkiError) return err.code;
    return `not a PkiError: ${String(err)}`;
  }
  return 'no error';
}

/** Wraps `inner` in `depth` SEQUENCEs, without recursion. */
function nest(depth: number, inner: Buffer): Buffer {
  let b = inner;
  for (let i = 0; i < depth; i++) b = seq(b);
  return b;
}

describe('der/reader', () => {
  it.each([
    ['ok/empty sequence', '3000', 0],
    ['ok/integer 0', '020100', 0],
    ['ok/integer 128 with sign octet', '02020080', 0],
    ['ok/negative integer', '0201ff', 0],
    ['ok/boolean true', '0101ff', 0],
    ['ok/null', '0500', 0],
    ['ok/bit string with padding', '03020780', 0],
    ['ok/oid', '06032a0304', 0],
    ['ok/long form length 128', `0481 80${'00'.repeat(128)}`, 0],
    ['ok/context constructed', 'a0030201 02', 1],
  ])('%s', (_name, h, kids) => {
    const n = parseDer(hex(h));
    expect(n.children?.length ?? 0).toBe(kids);
  });

  it.each([
    ['fail/empty input', '', 'INPUT_EMPTY'],
    ['fail/trailing byte', '300000', 'DER_MALFORMED'],
    ['fail/truncated header', '30', 'DER_MALFORMED'],
    ['fail/truncated value', '3005 0500', 'DER_MALFORMED'],
    ['fail/child overruns parent', '3003 0402 0000', 'DER_MALFORMED'],
    ['fail/indefinite length', '3080 0000', 'DER_MALFORMED'],
    ['fail/non-minimal long form for a short length', '308100', 'DER_MALFORMED'],
    ['fail/non-minimal leading zero length octet', `0482 0080${'00'.repeat(128)}`, 'DER_MALFORMED'],
    ['fail/length of length over 4', '3085 0000000000', 'DER_MALFORMED'],
    ['fail/high tag number form', '1f2200', 'DER_MALFORMED'],
    ['fail/end-of-contents tag', '0000', 'DER_MALFORMED'],
    ['fail/unknown universal tag', '0700', 'DER_MALFORMED'],
    ['fail/primitive sequence', '1000', 'DER_MALFORMED'],
    ['fail/constructed octet string', '2403 040100', 'DER_MALFORMED'],
    ['fail/non-minimal integer', '02020001', 'DER_MALFORMED'],
    ['fail/non-minimal negative integer', '0202ff80', 'DER_MALFORMED'],
    ['fail/empty integer', '0200', 'DER_MALFORMED'],
    ['fail/boolean not 00 or ff', '010101', 'DER_MALFORMED'],
    ['fail/null with content', '050100', 'DER_MALFORMED'],
    ['fail/bit string unused bits over 7', '03020800', 'DER_MALFORMED'],
    ['fail/bit string non-zero padding', '03020781', 'DER_MALFORMED'],
    ['fail/oid with non-minimal arc', '0603 2a8003', 'DER_MALFORMED'],
    ['fail/oid truncated arc', '0602 2a83', 'DER_MALFORMED'],
  ])('%s', (_name, h, want) => {
    expect(code(() => parseDer(hex(h)))).toBe(want);
  });

  it('fail/nesting 33 deep with the default limit of 32', () => {
    expect(() => parseDer(nest(32, hex('0500')))).not.toThrow();
    expect(code(() => parseDer(nest(33, hex('0500'))))).toBe('DER_MALFORMED');
  });

  it('fail/10,000-deep nesting gives a PkiError, not a RangeError', () => {
    const deep = nest(10_000, hex('0500'));
    expect(code(() => parseDer(deep, { maxBytes: 1 << 20, maxDepth: 1_000_000 }))).toBe('no error');
    expect(code(() => parseDer(deep, { maxBytes: 1 << 20 }))).toBe('DER_MALFORMED');
    expect(code(() => parseDer(Buffer.from('3080'.repeat(10_000), 'hex'), { maxBytes: 1 << 20 }))).toBe(
      'DER_MALFORMED',
    );
  });

  it('fail/input over the cap', () => {
    expect(code(() => parseDer(Buffer.alloc(70_000)))).toBe('INPUT_TOO_LARGE');
    expect(code(() => parseDer(Buffer.alloc(20), { maxBytes: 10 }))).toBe('INPUT_TOO_LARGE');
  });

  it('ok/writer output is accepted by the reader (integers, OIDs, times)', () => {
    for (const m of ['00', '7f', '80', 'ff', '0080', '00ff00', 'ffffffffffffffffffffffffffffffff']) {
      const der = unsignedInt(Buffer.from(m, 'hex'));
      expect(parseDer(der).tag).toBe(0x02);
      expect(der[2] & 0x80).toBe(0);
    }
    expect(smallInt(300).toString('hex')).toBe('0202012c');
    for (const d of ['1.2.840.10045.3.1.7', '2.5.29.17', '2.999.1', '1.3.6.1.4.1.311.60.2.1.3']) {
      expect(decodeOid(parseDer(oid(d)).buf.subarray(2))).toBe(d);
    }
    const t1 = new Date('2049-12-31T23:59:59Z');
    const t2 = new Date('2050-01-01T00:00:00Z');
    expect(time(t1)[0]).toBe(0x17);
    expect(time(t2)[0]).toBe(0x18);
    expect(timeOf(parseDer(time(t1)), 'DER_MALFORMED', 't').getTime()).toBe(t1.getTime());
    expect(timeOf(parseDer(time(t2)), 'DER_MALFORMED', 't').getTime()).toBe(t2.getTime());
  });
});
