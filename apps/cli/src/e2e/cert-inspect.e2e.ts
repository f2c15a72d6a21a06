/** `trustmesh cert inspect`: PEM and DER, certificate and CSR, human and JSON. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT } from '@trustmesh/ca';
import { cli, errorCode, pemBlocks, tempDir } from './harness';

let tmp: { dir: string; cleanup: () => void };
let state: string;
beforeAll(() => {
  tmp = tempDir();
  state = join(tmp.dir, 'state');
  expect(
    cli(['init', '--dir', state, '--trust-domain', 'example.test', '--types', 'api', '--insecure-plaintext-keys']).code,
  ).toBe(0);
  // A CSR made by openssl (an independent producer), and DER forms of both inputs.
  const key = join(tmp.dir, 'csr.key');
  const csr = spawnSync(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-subj',
      '/CN=api-1',
      '-addext',
      'subjectAltName=URI:spiffe://example.test/api/api-1,DNS:api-1.api.svc',
      '-out',
      join(tmp.dir, 'req.pem'),
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  expect(csr.status).toBe(0);
  spawnSync('openssl', ['req', '-in', join(tmp.dir, 'req.pem'), '-outform', 'DER', '-out', join(tmp.dir, 'req.der')]);
  const leaf = pemBlocks(readFileSync(join(state, LAYOUT.adminCert), 'utf8'))[0];
  writeFileSync(join(tmp.dir, 'leaf.pem'), leaf);
  spawnSync('openssl', [
    'x509',
    '-in',
    join(tmp.dir, 'leaf.pem'),
    '-outform',
    'DER',
    '-out',
    join(tmp.dir, 'leaf.der'),
  ]);
});
afterAll(() => tmp.cleanup());

describe('cert inspect', () => {
  it.each(['leaf.pem', 'leaf.der'])('ok/certificate %s', (file) => {
    const j = cli(['cert', 'inspect', join(tmp.dir, file), '--json']);
    expect(j.code).toBe(0);
    const s = JSON.parse(j.stdout) as Record<string, unknown>;
    expect(s).toMatchObject({ kind: 'certificate', spiffeId: 'spiffe://example.test/admin/cli', isCa: false });
    const fp = spawnSync('openssl', ['x509', '-in', join(tmp.dir, 'leaf.pem'), '-noout', '-fingerprint', '-sha256'], {
      encoding: 'utf8',
    });
    const hex = fp.stdout.split('=')[1].trim().replace(/:/g, '').toLowerCase();
    expect(String(s.fingerprintSha256).replace(/:/g, '').toLowerCase()).toBe(hex);
    const h = cli(['cert', 'inspect', join(tmp.dir, file)]);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^kind:\s+certificate$/m);
    expect(h.stdout).toMatch(/^spiffe id:\s+spiffe:\/\/example.test\/admin\/cli$/m);
  });

  it.each(['req.pem', 'req.der'])('ok/CSR %s', (file) => {
    const j = cli(['cert', 'inspect', join(tmp.dir, file), '--json']);
    expect(j.code).toBe(0);
    const s = JSON.parse(j.stdout) as { kind: string; sans: { dns: string[]; uris: string[] } };
    expect(s.kind).toBe('csr');
    expect(s.sans.uris).toEqual(['spiffe://example.test/api/api-1']);
    expect(s.sans.dns).toEqual(['api-1.api.svc']);
  });

  it('fail/garbage input gives a pki reason code; a missing file FILE_NOT_FOUND', () => {
    writeFileSync(join(tmp.dir, 'junk.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const r = cli(['cert', 'inspect', join(tmp.dir, 'junk.pem')]);
    expect(r.code).toBe(1);
    expect(errorCode(r.stderr)).toMatch(/^(CERT_MALFORMED|DER_MALFORMED|PEM_MALFORMED)$/);
    const m = cli(['cert', 'inspect', join(tmp.dir, 'missing.pem')]);
    expect([m.code, errorCode(m.stderr)]).toEqual([1, 'FILE_NOT_FOUND']);
  });
});
