/** Bad CSR input, each case asserting the exact PkiError code (CSRs made by openssl: bad-input.openssl.e2e.ts). */
import { generateKeyPairSync } from 'node:crypto';
import { buildCsr, generateKeyPair, parseCsr, toDer } from './index';
import { OID } from './der/oids';
import { parseDer } from './der/reader';
import { encoded } from './der/schema';
import { oid, seq } from './der/writer';
import { codeOf, craftCsr, rawDnsSan, rawExtension } from './testing/fixtures';

/** Deterministic pseudo-random bytes (xorshift32), so the case is the same on every run. */
function pseudoRandom(n: number, seed = 0x2f6b1d3): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

function withNonMinimalLength(der: Buffer): Buffer {
  // Re-encode the outer SEQUENCE length with a superfluous leading zero octet.
  const lenOctets = der[1] & 0x80 ? der[1] & 0x7f : 0;
  const body = der.subarray(2 + lenOctets);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([Buffer.from([0x30, 0x84]), len, body]);
}

function nest(depth: number): Buffer {
  let b: Buffer = Buffer.from([0x05, 0x00]);
  for (let i = 0; i < depth; i++) b = seq(b);
  return b;
}

const ec = generateKeyPair();
const good = buildCsr({ privateKey: ec.privateKey, subject: { commonName: 'api' }, sans: { dns: ['api.internal'] } });
const other = buildCsr({
  privateKey: generateKeyPair().privateKey,
  subject: { commonName: 'api' },
  sans: { dns: ['api.internal'] },
});
// The signed content of `good` with the signature (and algorithm) of `other`.
const [goodInfo] = parseDer(good).children ?? [];
const [, otherAlg, otherSig] = parseDer(other).children ?? [];
const swapSignature = seq(encoded(goodInfo), encoded(otherAlg), encoded(otherSig));
// One byte of the signed content changed (the DNS name), signature kept.
const tampered = Buffer.from(good);
tampered[tampered.indexOf(Buffer.from('api.internal')) + 1] ^= 0x01;

const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;

describe('parseCsr refuses bad input with the exact code', () => {
  it.each<[string, () => Buffer, string]>([
    ['fail/empty input', () => Buffer.alloc(0), 'INPUT_EMPTY'],
    ['fail/random bytes', () => pseudoRandom(300), 'DER_MALFORMED'],
    ['fail/truncated DER', () => good.subarray(0, good.length - 10), 'DER_MALFORMED'],
    ['fail/trailing garbage', () => Buffer.concat([good, Buffer.from([0x00])]), 'DER_MALFORMED'],
    ['fail/non-minimal length', () => withNonMinimalLength(good), 'DER_MALFORMED'],
    ['fail/1 MiB input', () => Buffer.concat([good, Buffer.alloc((1 << 20) - good.length)]), 'INPUT_TOO_LARGE'],
    ['fail/a DER value that is not a CSR', () => seq(oid('1.2.3')), 'CSR_MALFORMED'],
    ['fail/signed content changed', () => tampered, 'CSR_SIGNATURE_INVALID'],
    ['fail/signature made by another key', () => swapSignature, 'CSR_SIGNATURE_INVALID'],
    [
      'fail/EC key with an Ed25519 signature algorithm',
      () => craftCsr({ privateKey: ec.privateKey, algorithmIdentifier: seq(oid(OID.ed25519)) }),
      'SIGNATURE_ALGORITHM_MISMATCH',
    ],
    [
      'fail/EC key with an RSA signature algorithm',
      () =>
        craftCsr({ privateKey: ec.privateKey, algorithmIdentifier: seq(oid(OID.sha256WithRSA), Buffer.from([5, 0])) }),
      'SIGNATURE_ALGORITHM_MISMATCH',
    ],
    [
      'fail/SHA-1 signature algorithm',
      () => craftCsr({ privateKey: ec.privateKey, algorithmIdentifier: seq(oid(OID.ecdsaSha1)) }),
      'SIGNATURE_ALGORITHM_UNSUPPORTED',
    ],
    ['fail/RSA-1024 (crafted)', () => craftCsr({ privateKey: rsa1024, commonName: 'x' }), 'KEY_TOO_WEAK'],
    [
      'fail/DNS SAN with a NUL byte',
      () =>
        craftCsr({
          privateKey: ec.privateKey,
          extensions: [rawDnsSan(Buffer.from('api.internal\0.evil.com', 'latin1'))],
        }),
      'SAN_INVALID',
    ],
    [
      'fail/DNS SAN with non-ASCII',
      () => craftCsr({ privateKey: ec.privateKey, extensions: [rawDnsSan(Buffer.from('bücher.example', 'utf8'))] }),
      'SAN_INVALID',
    ],
    [
      'fail/email SAN',
      () =>
        craftCsr({
          privateKey: ec.privateKey,
          extensions: [seq(oid(OID.subjectAltName), Buffer.from('040f300d810b6140622e6578616d706c65', 'hex'))],
        }),
      'SAN_INVALID',
    ],
    [
      'fail/unknown critical extension',
      () => craftCsr({ privateKey: ec.privateKey, extensions: [rawExtension('1.2.3.4', true, Buffer.from([5, 0]))] }),
      'CSR_EXTENSION_UNSUPPORTED',
    ],
    [
      'fail/duplicate extension',
      () =>
        craftCsr({ privateKey: ec.privateKey, extensions: [rawDnsSan(Buffer.from('a')), rawDnsSan(Buffer.from('b'))] }),
      'CSR_MALFORMED',
    ],
    [
      'fail/EC point not on the curve',
      () => craftCsr({ privateKey: ec.privateKey, spki: offCurveSpki() }),
      'KEY_MALFORMED',
    ],
  ])('%s', (_n, make, want) => {
    expect(codeOf(() => parseCsr(make()))).toBe(want);
  });

  it('fail/10,000-deep nesting: no stack overflow, DER_MALFORMED even with the size cap lifted', () => {
    const deep = nest(10_000);
    expect(codeOf(() => parseCsr(deep))).toBe('INPUT_TOO_LARGE');
    expect(codeOf(() => parseCsr(deep, { maxBytes: 1 << 20 }))).toBe('DER_MALFORMED');
    expect(codeOf(() => parseCsr(Buffer.from('3080'.repeat(10_000), 'hex'), { maxBytes: 1 << 20 }))).toBe(
      'DER_MALFORMED',
    );
  });

  it('ok/unknown non-critical extension is listed and ignored', () => {
    const csr = parseCsr(
      craftCsr({
        privateKey: ec.privateKey,
        commonName: 'x',
        extensions: [rawExtension('1.2.3.4', false, Buffer.from([5, 0]))],
      }),
    );
    expect(csr.extensions).toEqual([{ oid: '1.2.3.4', critical: false }]);
  });

  it('fail/PEM input to toDer: garbage and mismatched labels', () => {
    expect(codeOf(() => toDer('-----BEGIN CERTIFICATE REQUEST-----\n!!!\n-----END CERTIFICATE REQUEST-----\n'))).toBe(
      'PEM_MALFORMED',
    );
    expect(codeOf(() => toDer('-----BEGIN A-----\nAAAA\n-----END B-----\n'))).toBe('PEM_MALFORMED');
    expect(codeOf(() => toDer('hello'))).toBe('PEM_MALFORMED');
    expect(codeOf(() => toDer(''))).toBe('INPUT_EMPTY');
  });
});

/** A P-256 SPKI whose point (1, 1) is not on the curve. */
function offCurveSpki(): Buffer {
  const prefix = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.alloc(31),
    Buffer.from([1]),
    Buffer.alloc(31),
    Buffer.from([1]),
  ]);
  return Buffer.concat([prefix, point]);
}
