import { buildCsr, generateKeyPair, parseCsr, type KeyAlgorithm } from './index';
import { buildDbCsr, buildEmptySubjectCsr } from './testing/fixtures';

// openssl as the judge of the same CSRs (and CSRs made by openssl): csr.openssl.e2e.ts.
describe('CSR we build parses back', () => {
  it.each<[string, KeyAlgorithm]>([
    ['ok/ec-p256', 'ec-p256'],
    ['ok/ec-p384', 'ec-p384'],
    ['ok/ed25519', 'ed25519'],
  ])('%s', (_n, alg) => {
    const der = buildDbCsr(alg);
    const back = parseCsr(der);
    expect(back.sans.ips).toEqual(['127.0.0.1', 'fd00::1']);
    expect(back.publicKey.algorithm).toBe(alg);
  });

  it('ok/empty subject makes the SAN critical', () => {
    const der = buildEmptySubjectCsr();
    expect(parseCsr(der).extensions).toEqual([{ oid: '2.5.29.17', critical: true }]);
  });
});

describe('CSR we build passes openssl req -verify', () => {
  it('fail/a public key that is not the pair of the private key', () => {
    expect(() =>
      buildCsr({ privateKey: generateKeyPair().privateKey, publicKey: generateKeyPair().publicKey }),
    ).toThrow(expect.objectContaining({ code: 'KEY_MISMATCH' }));
  });
});
