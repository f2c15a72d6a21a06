import { parseCsr, pemEncode, toDer, type KeyAlgorithm } from './index';
import { createFarLeaf, makeCaSet, makeIssuance, T0 } from './testing/fixtures';
import { openssl, opensslOk, readFileSync, tempDir } from './testing/openssl';

// What our own parsers and Node's read from the same issuance: issue.spec.ts.
describe.each<[string, KeyAlgorithm, KeyAlgorithm]>([
  ['P-256 root, P-256 intermediate', 'ec-p256', 'ec-p256'],
  ['P-384 root, P-256 intermediate', 'ec-p384', 'ec-p256'],
  ['Ed25519 root and intermediate', 'ed25519', 'ed25519'],
])('issuance with %s', (_name, rootAlg, interAlg) => {
  const tmp = tempDir();
  const { ca, leaf } = makeIssuance(rootAlg, interAlg);
  const files = {
    root: tmp.file('root.pem', ca.pem.root),
    inter: tmp.file('inter.pem', ca.pem.inter),
    leaf: tmp.file('leaf.pem', pemEncode('CERTIFICATE', leaf.der)),
  };
  const attime = ['-attime', String(T0.getTime() / 1000)];
  afterAll(() => tmp.cleanup());

  it.each([
    ['ok/sslclient', 'sslclient'],
    ['ok/sslserver', 'sslserver'],
  ])('%s: openssl verify accepts the leaf', (_n, purpose) => {
    const r = openssl([
      'verify',
      ...attime,
      '-CAfile',
      files.root,
      '-untrusted',
      files.inter,
      '-purpose',
      purpose,
      files.leaf,
    ]);
    expect(r.out).toContain(': OK');
    expect(r.status).toBe(0);
  });

  it('ok/openssl verify accepts the intermediate under the root', () => {
    const r = openssl(['verify', ...attime, '-CAfile', files.root, files.inter]);
    expect(r.status).toBe(0);
  });

  it('ok/openssl x509 -text shows the expected extensions', () => {
    const rootText = opensslOk(['x509', '-in', files.root, '-noout', '-text']).toString();
    expect(rootText).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
    expect(rootText).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(rootText).toMatch(/Subject Key Identifier/);
    const interText = opensslOk(['x509', '-in', files.inter, '-noout', '-text']).toString();
    expect(interText).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(interText).toMatch(/Authority Key Identifier/);
    const leafText = opensslOk(['x509', '-in', files.leaf, '-noout', '-text']).toString();
    expect(leafText).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(leafText).toMatch(/Key Usage: critical\s+Digital Signature\n/);
    expect(leafText).toMatch(/Extended Key Usage: \s*TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(leafText).toMatch(
      /Subject Alternative Name: critical\s+URI:spiffe:\/\/example.test\/api\/i-1, DNS:api.internal, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1/,
    );
    expect(leafText).toMatch(/Subject Key Identifier/);
    expect(leafText).toMatch(/Authority Key Identifier/);
    expect(leafText).toMatch(/Subject: \n|Subject:\s*\n/);
  });
});

describe('leaf details', () => {
  const ca = makeCaSet('db');
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('ok/an RSA-2048 CSR from openssl gets digitalSignature + keyEncipherment and verifies', () => {
    const out = tmp.file('rsa.csr');
    opensslOk([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      tmp.file('rsa.key'),
      '-subj',
      '/CN=db.internal',
      '-addext',
      'subjectAltName=DNS:db.internal',
      '-out',
      out,
    ]);
    const csr = parseCsr(toDer(readFileSync(out, 'utf8')));
    const leaf = ca.issuer.issue({
      publicKey: csr.publicKey,
      sans: csr.sans,
      subject: csr.subject,
      now: T0,
      ttlSeconds: 3600,
    });
    const file = tmp.file('rsa-leaf.pem', pemEncode('CERTIFICATE', leaf.der));
    const text = opensslOk(['x509', '-in', file, '-noout', '-text']).toString();
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toMatch(/Subject: CN = db.internal/);
    expect(text).toMatch(/Subject Alternative Name: \n/);
    const r = openssl([
      'verify',
      '-attime',
      String(T0.getTime() / 1000),
      '-CAfile',
      tmp.file('r.pem', ca.pem.root),
      '-untrusted',
      tmp.file('i.pem', ca.pem.inter),
      '-purpose',
      'sslserver',
      file,
    ]);
    expect(r.status).toBe(0);
  });

  it('ok/times after 2049 are GeneralizedTime and openssl reads them', () => {
    const farLeaf = createFarLeaf();
    const text = opensslOk([
      'x509',
      '-in',
      tmp.file('far.pem', pemEncode('CERTIFICATE', farLeaf)),
      '-noout',
      '-dates',
    ]).toString();
    expect(text).toContain('notAfter=Jan  1 00:00:00 2051 GMT');
  });
});
