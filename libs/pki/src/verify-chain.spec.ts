import {
  createIntermediateCertificate,
  createLeafIssuer,
  generateKeyPair,
  PkiError,
  verifyChain,
  type VerifyChainOptions,
} from './index';
import type { KeyObject } from 'node:crypto';
import { at, makeCaSet, T0 } from './testing/fixtures';
import { parseCertificate } from './cert-parse';
import { OID } from './der/oids';
import { smallInt } from './der/writer';
import { basicConstraints, extKeyUsage } from './extensions';
import { spkiDerOf } from './keys';
import { encodeName } from './names';
import { signatureProfileFor } from './signing';
import { encodeTbs, signCertificate } from './tbs';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof PkiError ? err.code : `not a PkiError: ${String(err)}`;
  }
  return 'ok';
}

const api = makeCaSet('api');
const other = makeCaSet('api'); // same names, different keys
const leafKey = generateKeyPair();
const leaf = api.issuer.issue({
  publicKey: leafKey.publicKey,
  sans: { uris: ['spiffe://example.test/api/i-1'] },
  now: T0,
  ttlSeconds: 86400,
});

// A leaf used as if it were an issuer: sign with the leaf's key, name the leaf as issuer.
const leafAsIssuer = (() => {
  try {
    return createLeafIssuer({ caCertificate: leaf.der, caPrivateKey: leafKey.privateKey });
  } catch (err) {
    return err as PkiError;
  }
})();

// pathLen: root (pathLen 1) → inter (pathLen 0) → sub-intermediate (a CA under a pathLen 0 CA).
const subKey = generateKeyPair();
const subInter = (() => {
  const k = api.interKey;
  // createIntermediateCertificate accepts any CA issuer; the violation is for verifyChain to find.
  return createIntermediateCertificate({
    publicKey: subKey.publicKey,
    subject: { commonName: 'sub' },
    issuer: { certificate: api.inter, privateKey: k },
    notBefore: at(-1),
    notAfter: at(30),
  });
})();
const subLeaf = createLeafIssuer({ caCertificate: subInter, caPrivateKey: subKey.privateKey }).issue({
  publicKey: generateKeyPair().publicKey,
  sans: { dns: ['x'] },
  now: T0,
  ttlSeconds: 3600,
});

/** A certificate with arbitrary extensions, signed by `issuerKey` under `issuerCert`'s subject. */
function custom(
  issuerCert: Buffer,
  issuerKey: KeyObject,
  cn: string,
  extensions: Buffer[],
): { der: Buffer; key: KeyObject } {
  const k = generateKeyPair();
  const profile = signatureProfileFor(issuerKey);
  const tbs = encodeTbs({
    serial: smallInt(7),
    signatureAlgorithm: profile.algorithmIdentifier,
    issuer: parseCertificate(issuerCert).subject.der,
    notBefore: at(-1),
    notAfter: at(10),
    subject: encodeName({ commonName: cn }),
    spki: spkiDerOf(k.publicKey),
    extensions,
  });
  return { der: signCertificate(tbs, profile, issuerKey), key: k.privateKey };
}
// A leaf (CA:FALSE, no keyCertSign) that signed another certificate anyway.
const fakeCa = custom(api.inter, api.interKey, 'fake-ca', [basicConstraints(false)]);
const underFakeCa = custom(fakeCa.der, fakeCa.key, 'victim', [basicConstraints(false)]);
// A client-only leaf.
const clientOnly = custom(api.inter, api.interKey, 'client', [basicConstraints(false), extKeyUsage([OID.clientAuth])]);

describe('verifyChain', () => {
  const base: VerifyChainOptions = { chain: [leaf.der, api.inter], anchors: [api.root], at: T0 };

  it.each<[string, Partial<VerifyChainOptions>, string]>([
    ['ok/leaf + intermediate to root', {}, 'ok'],
    ['ok/with purpose serverAuth', { purpose: 'serverAuth' }, 'ok'],
    ['ok/with purpose clientAuth', { purpose: 'clientAuth' }, 'ok'],
    ['ok/root included at the end of the chain', { chain: [leaf.der, api.inter, api.root] }, 'ok'],
    ['ok/PEM input', { chain: [leaf.der, api.pem.inter], anchors: [api.pem.root] }, 'ok'],
    ['ok/one of several anchors', { anchors: [other.root, api.root] }, 'ok'],
    ['ok/just before notAfter', { at: new Date(leaf.notAfter.getTime()) }, 'ok'],
    ['fail/expired', { at: new Date(leaf.notAfter.getTime() + 1000) }, 'CHAIN_EXPIRED'],
    ['fail/not yet valid', { at: new Date(leaf.notBefore.getTime() - 1000) }, 'CHAIN_NOT_YET_VALID'],
    ['fail/intermediate expired', { at: at(400) }, 'CHAIN_EXPIRED'],
    ['fail/wrong anchor (same names, other key)', { anchors: [other.root] }, 'CHAIN_UNTRUSTED'],
    ['fail/no anchors', { anchors: [] }, 'CHAIN_UNTRUSTED'],
    ['fail/intermediate missing', { chain: [leaf.der] }, 'CHAIN_UNTRUSTED'],
    ['fail/intermediate of another CA set', { chain: [leaf.der, other.inter] }, 'CHAIN_INVALID'],
    ['fail/leaf as issuer of the intermediate', { chain: [api.inter, leaf.der] }, 'CHAIN_INVALID'],
    ['fail/pathLen 0 violated by a sub-intermediate', { chain: [subLeaf.der, subInter, api.inter] }, 'CHAIN_INVALID'],
    ['fail/a CA:FALSE certificate as issuer', { chain: [underFakeCa.der, fakeCa.der, api.inter] }, 'CHAIN_INVALID'],
    ['ok/client-only leaf for clientAuth', { chain: [clientOnly.der, api.inter], purpose: 'clientAuth' }, 'ok'],
    [
      'fail/client-only leaf for serverAuth',
      { chain: [clientOnly.der, api.inter], purpose: 'serverAuth' },
      'CHAIN_INVALID',
    ],
    ['fail/empty chain', { chain: [] }, 'CHAIN_INVALID'],
    ['fail/garbage certificate', { chain: [Buffer.from('3000', 'hex')] }, 'CERT_MALFORMED'],
  ])('%s', (_n, over, want) => {
    expect(codeOf(() => verifyChain({ ...base, ...over }))).toBe(want);
  });

  it('ok/returns the anchor and the path, leaf first', () => {
    const r = verifyChain(base);
    expect(r.anchor).toEqual(api.root);
    expect(r.path).toEqual([leaf.der, api.inter]);
  });

  it.each([
    ['fail/pathLen detail', [subLeaf.der, subInter, api.inter], /pathLen of certificate 2/],
    [
      'fail/CA flag detail',
      [underFakeCa.der, fakeCa.der, api.inter],
      /certificate 0 is not issued by certificate 1|certificate 1 is not a CA/,
    ],
  ])('%s', (_n, chain, detail) => {
    expect(() => verifyChain({ ...base, chain: chain as Buffer[] })).toThrow(
      expect.objectContaining({ detail: expect.stringMatching(detail) }),
    );
  });

  it('fail/a leaf cannot become an issuer', () => {
    expect(leafAsIssuer).toBeInstanceOf(PkiError);
    expect((leafAsIssuer as PkiError).code).toBe('CERT_NOT_CA');
  });
});
