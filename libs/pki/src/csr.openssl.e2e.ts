import { parseCsr, pemEncode, toDer, type KeyAlgorithm } from './index';
import { buildDbCsr, buildEmptySubjectCsr } from './testing/fixtures';
import { openssl, opensslOk, readFileSync, tempDir } from './testing/openssl';

const SAN = 'subjectAltName=DNS:api.internal,URI:spiffe://example.test/api/i-1,IP:10.0.0.7';

describe('CSR made by openssl req parses and verifies', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it.each([
    ['ok/P-256', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'ec-p256', 256, 'ecdsa-with-SHA256'],
    [
      'ok/P-384',
      ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-sha384'],
      'ec-p384',
      384,
      'ecdsa-with-SHA384',
    ],
    ['ok/Ed25519', ['-newkey', 'ed25519'], 'ed25519', 256, 'Ed25519'],
    ['ok/RSA-2048', ['-newkey', 'rsa:2048'], 'rsa', 2048, 'sha256WithRSAEncryption'],
  ])('%s', (name, keyArgs, alg, bits, sigAlg) => {
    const out = tmp.file(`${name.replace(/\W/g, '_')}.csr`);
    opensslOk([
      'req',
      '-new',
      ...keyArgs,
      '-nodes',
      '-keyout',
      tmp.file('k.pem'),
      '-subj',
      '/O=TrustMesh/CN=api.internal',
      '-addext',
      SAN,
      '-outform',
      'DER',
      '-out',
      out,
    ]);
    const csr = parseCsr(toDer(readFileSync(out)));
    expect(csr.publicKey.algorithm).toBe(alg);
    expect(csr.publicKey.bits).toBe(bits);
    expect(csr.signatureAlgorithm).toBe(sigAlg);
    expect(csr.subject).toEqual({ commonName: 'api.internal', organization: 'TrustMesh' });
    expect(csr.subjectText).toBe('CN=api.internal, O=TrustMesh');
    expect(csr.sans).toEqual({ dns: ['api.internal'], uris: ['spiffe://example.test/api/i-1'], ips: ['10.0.0.7'] });
    expect(csr.isCaRequested).toBe(false);
    expect(csr.extensions).toEqual([{ oid: '2.5.29.17', critical: false }]);
    expect(csr.publicKey.keyObject.type).toBe('public');
  });

  it('ok/openssl CSR with extra known extensions and basicConstraints CA:TRUE requested', () => {
    const out = tmp.file('ca.csr');
    opensslOk([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      tmp.file('k2.pem'),
      '-subj',
      '/CN=x',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,digitalSignature',
      '-out',
      out,
    ]);
    const csr = parseCsr(toDer(readFileSync(out, 'utf8')));
    expect(csr.isCaRequested).toBe(true);
    expect(csr.extensions).toEqual([
      { oid: '2.5.29.19', critical: true },
      { oid: '2.5.29.15', critical: true },
    ]);
  });
});

// What our own parser reads back from the same CSRs: csr.spec.ts.
describe('CSR we build passes openssl req -verify', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it.each<[string, KeyAlgorithm]>([
    ['ok/ec-p256', 'ec-p256'],
    ['ok/ec-p384', 'ec-p384'],
    ['ok/ed25519', 'ed25519'],
  ])('%s', (_n, alg) => {
    const der = buildDbCsr(alg);
    const file = tmp.file(`${alg}.csr`, pemEncode('CERTIFICATE REQUEST', der));
    const r = openssl(['req', '-in', file, '-verify', '-noout', '-text']);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/verify OK/);
    expect(r.out).toContain('DNS:db.internal');
    expect(r.out).toContain('URI:spiffe://example.test/db/d-1');
    expect(r.out).toContain('IP Address:FD00:0:0:0:0:0:0:1');
  });

  it('ok/empty subject makes the SAN critical, and openssl accepts it', () => {
    const der = buildEmptySubjectCsr();
    const file = tmp.file('empty.csr', pemEncode('CERTIFICATE REQUEST', der));
    const r = openssl(['req', '-in', file, '-verify', '-noout', '-text']);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/Subject Alternative Name: critical/);
  });
});
