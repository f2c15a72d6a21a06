/**
 * The benchmark cases of bench/pki: for each library, a "parse+verify+issue" and an "issue only"
 * operation over a pool of CSRs, with the same extensions everywhere (BC, KU, EKU, AKI, SKI, SAN
 * with a SPIFFE URI and a DNS name). Each setup first checks that what it times is valid.
 */
import 'reflect-metadata';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import forge from 'node-forge';
import * as pki from '@trustmesh/pki';

/** One timed operation. `fn(i)` works on the i-th CSR of its pool. */
export interface Case {
  lib: string;
  what: 'parse+verify+issue' | 'issue only';
  fn: (i: number) => unknown;
  async: boolean;
  /** Upper bound of operations per timed slice (forge takes ~30 ms per certificate). */
  maxOpsPerSlice?: number;
}

const NOW = new Date();
const DAY = 86400;
const POOL = 256;
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const names = (i: number) => ({ dns: [`api-${i}.internal`], uris: [`spiffe://example.test/api/i-${i}`] });
const rsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 });

/** libs/pki with a P-256 CA and P-256 CSRs, or an RSA-2048 CA and RSA-2048 CSRs. */
export function pkiCases(rsa: boolean): Case[] {
  const lib = rsa ? 'libs/pki (RSA-2048)' : 'libs/pki (P-256)';
  const caKeys = rsa ? rsaKey() : pki.generateKeyPair('ec-p256');
  const caCert = pki.createRootCertificate({
    ...caKeys,
    subject: { commonName: 'bench CA' },
    notBefore: new Date(NOW.getTime() - DAY * 1000),
    notAfter: new Date(NOW.getTime() + 3650 * DAY * 1000),
    pathLen: 0,
  });
  // RSA key generation takes 50-200 ms per key: a smaller pool of RSA CSRs.
  const csrs = Array.from({ length: rsa ? 8 : POOL }, (_, i) =>
    pki.buildCsr({ privateKey: (rsa ? rsaKey() : pki.generateKeyPair()).privateKey, sans: names(i) }),
  );
  const issuer = pki.createLeafIssuer({ caCertificate: caCert, caPrivateKey: caKeys.privateKey });
  const parsed = csrs.map((c) => pki.parseCsr(c));
  const check = issuer.issue({ publicKey: parsed[0].publicKey, sans: parsed[0].sans, now: NOW, ttlSeconds: DAY });
  pki.verifyChain({ chain: [check.der], anchors: [caCert], at: NOW, purpose: 'clientAuth' });
  return [
    {
      lib,
      what: 'parse+verify+issue',
      async: false,
      fn: (i) => {
        const csr = pki.parseCsr(csrs[i % csrs.length]);
        return issuer.issue({ publicKey: csr.publicKey, sans: csr.sans, now: NOW, ttlSeconds: DAY });
      },
    },
    {
      lib,
      what: 'issue only',
      async: false,
      fn: (i) => {
        const csr = parsed[i % parsed.length];
        return issuer.issue({ publicKey: csr.publicKey, sans: csr.sans, now: NOW, ttlSeconds: DAY });
      },
    },
  ];
}

/** @peculiar/x509 2.x on node:crypto WebCrypto, P-256 CA and CSRs (sequential, one in flight). */
export async function peculiarCases(): Promise<Case[]> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = (await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=bench CA',
    keys: caKeys,
    signingAlgorithm: alg,
    notBefore: new Date(NOW.getTime() - DAY * 1000),
    notAfter: new Date(NOW.getTime() + 3650 * DAY * 1000),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const aki = await x509.AuthorityKeyIdentifierExtension.create(ca, false);
  const csrs = Array.from(
    { length: POOL },
    (_, i) => new Uint8Array(pki.buildCsr({ privateKey: pki.generateKeyPair().privateKey, sans: names(i) })).buffer,
  );
  const issue = async (publicKey: x509.PublicKey, i: number) => {
    const n = names(i);
    return x509.X509CertificateGenerator.create({
      // 128 random bits with the top bit cleared, so the INTEGER stays positive.
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
      issuer: ca.subject,
      subject: '',
      notBefore: new Date(NOW.getTime() - 60000),
      notAfter: new Date(NOW.getTime() + DAY * 1000),
      publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        aki,
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        new x509.SubjectAlternativeNameExtension(
          [
            { type: 'url', value: n.uris[0] },
            { type: 'dns', value: n.dns[0] },
          ],
          true,
        ),
      ],
    });
  };
  const parsed = csrs.map((c) => new x509.Pkcs10CertificateRequest(c));
  const check = await issue(parsed[0].publicKey, 0);
  if (!(await check.verify({ publicKey: ca.publicKey, date: NOW }))) throw new Error('peculiar sanity check failed');
  const lib = '@peculiar/x509 (P-256)';
  return [
    {
      lib,
      what: 'parse+verify+issue',
      async: true,
      fn: async (i) => {
        const csr = new x509.Pkcs10CertificateRequest(csrs[i % POOL]);
        if (!(await csr.verify())) throw new Error('CSR did not verify');
        return issue(csr.publicKey, i);
      },
    },
    { lib, what: 'issue only', async: true, fn: (i) => issue(parsed[i % POOL].publicKey, i) },
  ];
}

/** node-forge 1.x, RSA-2048 CA and CSRs (forge has no ECDSA). Keys from node:crypto (fast). */
export function forgeCases(): Case[] {
  const toForge = () =>
    forge.pki.privateKeyFromPem(rsaKey().privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
  const caKey = toForge();
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.setRsaPublicKey(caKey.n, caKey.e);
  ca.serialNumber = '01';
  ca.validity.notBefore = new Date(NOW.getTime() - DAY * 1000);
  ca.validity.notAfter = new Date(NOW.getTime() + 3650 * DAY * 1000);
  ca.setSubject([{ name: 'commonName', value: 'bench CA' }]);
  ca.setIssuer([{ name: 'commonName', value: 'bench CA' }]);
  ca.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'subjectKeyIdentifier' }]);
  ca.sign(caKey, forge.md.sha256.create());
  const caKeyId = ca.generateSubjectKeyIdentifier().getBytes();
  const sanOf = (i: number) => [
    { type: 6, value: names(i).uris[0] },
    { type: 2, value: names(i).dns[0] },
  ];
  const csrs = Array.from({ length: 8 }, (_, i) => {
    const k = toForge();
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = forge.pki.setRsaPublicKey(k.n, k.e);
    csr.setAttributes([{ name: 'extensionRequest', extensions: [{ name: 'subjectAltName', altNames: sanOf(i) }] }]);
    csr.sign(k, forge.md.sha256.create());
    return forge.asn1.toDer(forge.pki.certificationRequestToAsn1(csr)).getBytes();
  });
  const issue = (publicKey: forge.pki.PublicKey, i: number) => {
    const c = forge.pki.createCertificate();
    c.publicKey = publicKey;
    c.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(15));
    c.validity.notBefore = new Date(NOW.getTime() - 60000);
    c.validity.notAfter = new Date(NOW.getTime() + DAY * 1000);
    c.setSubject([]);
    c.setIssuer(ca.subject.attributes);
    c.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      { name: 'authorityKeyIdentifier', keyIdentifier: caKeyId },
      { name: 'subjectKeyIdentifier' },
      { name: 'subjectAltName', critical: true, altNames: sanOf(i) },
    ]);
    c.sign(caKey, forge.md.sha256.create());
    return c;
  };
  const parsed = csrs.map((d) => forge.pki.certificationRequestFromAsn1(forge.asn1.fromDer(d)));
  if (!ca.verify(issue(parsed[0].publicKey as forge.pki.PublicKey, 0))) throw new Error('forge sanity check failed');
  const lib = 'node-forge (RSA-2048)';
  return [
    {
      lib,
      what: 'parse+verify+issue',
      async: false,
      maxOpsPerSlice: 40,
      fn: (i) => {
        const csr = forge.pki.certificationRequestFromAsn1(forge.asn1.fromDer(csrs[i % csrs.length]));
        if (!csr.verify()) throw new Error('CSR did not verify');
        return issue(csr.publicKey as forge.pki.PublicKey, i);
      },
    },
    {
      lib,
      what: 'issue only',
      async: false,
      maxOpsPerSlice: 40,
      fn: (i) => issue(parsed[i % parsed.length].publicKey as forge.pki.PublicKey, i),
    },
  ];
}
