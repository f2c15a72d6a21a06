import { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { createLeafIssuer, generateKeyPair, inspect, type KeyAlgorithm } from './index';
import { createFarLeaf, ISSUANCE_SANS as SANS, makeCaSet, makeIssuance, T0, at } from './testing/fixtures';

// openssl as the judge of the same issuance: issue.openssl.e2e.ts.
describe.each<[string, KeyAlgorithm, KeyAlgorithm]>([
  ['P-256 root, P-256 intermediate', 'ec-p256', 'ec-p256'],
  ['P-384 root, P-256 intermediate', 'ec-p384', 'ec-p256'],
  ['Ed25519 root and intermediate', 'ed25519', 'ed25519'],
])('issuance with %s', (_name, rootAlg, interAlg) => {
  const { ca, csr, leaf } = makeIssuance(rootAlg, interAlg);

  it('ok/Node X509Certificate, @peculiar/x509 and inspect() agree on every field', async () => {
    const node = new X509Certificate(leaf.der);
    const pec = new x509.X509Certificate(new Uint8Array(leaf.der));
    const ours = inspect(leaf.der);
    const nodeInter = new X509Certificate(ca.inter);
    expect(node.serialNumber).toBe(leaf.serialHex);
    expect(ours.serialHex).toBe(leaf.serialHex);
    expect(pec.serialNumber.toUpperCase().replace(/^00/, '')).toBe(leaf.serialHex);
    expect(leaf.serialHex).toMatch(/^[0-9A-F]{2,32}$/);
    expect(new Date(node.validFrom).getTime()).toBe(T0.getTime() - 60_000);
    expect(new Date(node.validTo).getTime()).toBe(T0.getTime() + 86400_000);
    expect(pec.notBefore.getTime()).toBe(leaf.notBefore.getTime());
    expect(pec.notAfter.getTime()).toBe(leaf.notAfter.getTime());
    expect(ours.notBefore).toEqual(leaf.notBefore);
    expect(ours.notAfter).toEqual(leaf.notAfter);
    expect(node.subjectAltName).toBe(
      'URI:spiffe://example.test/api/i-1, DNS:api.internal, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    const pecSan = pec.getExtension(x509.SubjectAlternativeNameExtension);
    expect(pecSan?.names.toJSON()).toEqual([
      { type: 'url', value: 'spiffe://example.test/api/i-1' },
      { type: 'dns', value: 'api.internal' },
      { type: 'ip', value: '127.0.0.1' },
      { type: 'ip', value: '::1' },
    ]);
    expect(ours.sans).toEqual(SANS);
    expect(ours.spiffeId).toBe('spiffe://example.test/api/i-1');
    expect(node.ca).toBe(false);
    expect(pec.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(ours.isCa).toBe(false);
    expect(new X509Certificate(ca.root).ca).toBe(true);
    expect(pec.getExtension(x509.BasicConstraintsExtension)?.critical).toBe(true);
    expect(pec.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([
      x509.ExtendedKeyUsage.serverAuth,
      x509.ExtendedKeyUsage.clientAuth,
    ]);
    expect(pec.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(node.issuer).toBe(nodeInter.subject);
    expect(node.checkIssued(nodeInter)).toBe(true);
    expect(node.verify(nodeInter.publicKey)).toBe(true);
    expect(node.publicKey.export({ type: 'spki', format: 'der' })).toEqual(csr.publicKey.spkiDer);
    expect(ours.fingerprintSha256).toBe(node.fingerprint256.replace(/:/g, '').toLowerCase());
    const ski = pec.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    const aki = pec.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
    expect(ours.subjectKeyId).toBe(ski);
    expect(ours.authorityKeyId).toBe(aki);
    expect(aki).toBe(ca.issuer.caId);
    expect(inspect(ca.inter).subjectKeyId).toBe(ca.issuer.caId);
    expect(
      await pec.verify({
        publicKey: new x509.X509Certificate(new Uint8Array(ca.inter)).publicKey,
        signatureOnly: true,
      }),
    ).toBe(true);
    const rootSummary = inspect(ca.pem.root);
    expect(rootSummary).toMatchObject({
      isCa: true,
      pathLen: 1,
      subject: 'CN=api root, O=TrustMesh',
      issuer: 'CN=api root, O=TrustMesh',
    });
    expect(inspect(ca.inter)).toMatchObject({ isCa: true, pathLen: 0, issuer: 'CN=api root, O=TrustMesh' });
  });
});

describe('leaf details', () => {
  const ca = makeCaSet('db');

  it('ok/times after 2049 are GeneralizedTime', () => {
    const far = makeCaSet('far');
    const leaf = far.issuer.issue({
      publicKey: generateKeyPair().publicKey,
      sans: { dns: ['x.internal'] },
      now: at(300),
      ttlSeconds: 86400,
    });
    expect(leaf.der.includes(Buffer.from([0x17, 0x0d]))).toBe(true);
    const farLeaf = createFarLeaf();
    expect(farLeaf.includes(Buffer.from('20510101000000Z', 'latin1'))).toBe(true);
  });

  it('ok/the serial is a positive minimal INTEGER even when the random top bit is set', () => {
    const fixed = createLeafIssuer({
      caCertificate: ca.inter,
      caPrivateKey: ca.interKey,
      random: (n: number) => Buffer.alloc(n, 0xff),
    });
    const leaf = fixed.issue({
      publicKey: generateKeyPair().publicKey,
      sans: { dns: ['a.internal'] },
      now: T0,
      ttlSeconds: 60,
    });
    expect(leaf.serialHex).toBe('FF'.repeat(16));
    expect(new X509Certificate(leaf.der).serialNumber).toBe('FF'.repeat(16));
    const low = createLeafIssuer({
      caCertificate: ca.inter,
      caPrivateKey: ca.interKey,
      random: (n: number) => Buffer.concat([Buffer.alloc(2), Buffer.alloc(n - 2, 0x11)]),
    });
    expect(
      low.issue({ publicKey: generateKeyPair().publicKey, sans: { dns: ['a.internal'] }, now: T0, ttlSeconds: 60 })
        .serialHex,
    ).toBe('11'.repeat(14));
  });

  it('ok/notAfter is capped at the CA notAfter; fail/issuing after the CA expired', () => {
    const leaf = ca.issuer.issue({
      publicKey: generateKeyPair().publicKey,
      sans: { dns: ['a.internal'] },
      now: at(364),
      ttlSeconds: 5 * 86400,
    });
    expect(leaf.notAfter).toEqual(at(365));
    expect(() =>
      ca.issuer.issue({
        publicKey: generateKeyPair().publicKey,
        sans: { dns: ['a.internal'] },
        now: at(366),
        ttlSeconds: 60,
      }),
    ).toThrow(expect.objectContaining({ code: 'VALIDITY_INVALID' }));
  });

  it.each([
    ['fail/no SAN and no CN', { sans: {} }, 'SAN_INVALID'],
    ['fail/DNS with a space', { sans: { dns: ['a b'] } }, 'SAN_INVALID'],
    ['fail/bad IP', { sans: { ips: ['300.1.1.1'] } }, 'SAN_INVALID'],
    ['fail/zero ttl', { sans: { dns: ['a'] }, ttlSeconds: 0 }, 'VALIDITY_INVALID'],
    ['fail/negative backdate', { sans: { dns: ['a'] }, backdateSeconds: -1 }, 'VALIDITY_INVALID'],
    ['fail/CN with a control character', { sans: { dns: ['a'] }, subject: { commonName: 'a\nb' } }, 'SUBJECT_INVALID'],
  ])('%s', (_n, over, want) => {
    const req = { publicKey: generateKeyPair().publicKey, now: T0, ttlSeconds: 60, ...over };
    expect(() => ca.issuer.issue(req as never)).toThrow(expect.objectContaining({ code: want }));
  });

  it('fail/createLeafIssuer with a leaf certificate or a key that does not match', () => {
    const leaf = ca.issuer.issue({
      publicKey: generateKeyPair().publicKey,
      sans: { dns: ['a'] },
      now: T0,
      ttlSeconds: 60,
    });
    expect(() => createLeafIssuer({ caCertificate: leaf.der, caPrivateKey: ca.interKey })).toThrow(
      expect.objectContaining({ code: 'CERT_NOT_CA' }),
    );
    expect(() => createLeafIssuer({ caCertificate: ca.inter, caPrivateKey: ca.rootKey })).toThrow(
      expect.objectContaining({ code: 'KEY_MISMATCH' }),
    );
    expect(() => createLeafIssuer({ caCertificate: Buffer.from('nope'), caPrivateKey: ca.rootKey })).toThrow(
      expect.objectContaining({ code: 'DER_MALFORMED' }),
    );
  });
});
