import { exportPkcs12, generateKeyPair, PkiError } from './index';
import { makeCaSet, T0 } from './testing/fixtures';

// openssl reading what exportPkcs12 writes: pkcs12.openssl.e2e.ts.
describe('exportPkcs12', () => {
  it.each([
    ['fail/empty password', { password: '' }, 'PKCS12_FAILED'],
    ['fail/empty chain', { chain: [] }, 'PKCS12_FAILED'],
    ['fail/key is not the leaf key', { privateKey: generateKeyPair().privateKey }, 'KEY_MISMATCH'],
    ['fail/garbage certificate', { chain: [Buffer.from('3000', 'hex')] }, 'CERT_MALFORMED'],
  ])('%s', (_n, over, want) => {
    const ca = makeCaSet('api');
    const k = generateKeyPair();
    const leaf = ca.issuer.issue({ publicKey: k.publicKey, sans: { dns: ['a'] }, now: T0, ttlSeconds: 60 });
    const opts = { privateKey: k.privateKey, chain: [leaf.der], password: 'pw', ...over };
    let code = 'no error';
    try {
      exportPkcs12(opts);
    } catch (err) {
      code = err instanceof PkiError ? err.code : String(err);
    }
    expect(code).toBe(want);
  });
});
