/** Bad CSR input made by the openssl CLI (keys our own builder refuses), each case asserting the exact PkiError code. */
import { parseCsr } from './index';
import { codeOf } from './testing/fixtures';
import { opensslOk, readFileSync, tempDir } from './testing/openssl';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function opensslCsr(name: string, keyArgs: string[]): Buffer {
  const out = tmp.file(`${name}.csr`);
  opensslOk([
    'req',
    '-new',
    ...keyArgs,
    '-nodes',
    '-keyout',
    tmp.file(`${name}.key`),
    '-subj',
    '/CN=x',
    '-outform',
    'DER',
    '-out',
    out,
  ]);
  return readFileSync(out);
}

describe('parseCsr refuses bad input with the exact code', () => {
  it.each<[string, () => Buffer, string]>([
    ['fail/RSA-1024 (openssl)', () => opensslCsr('rsa1024', ['-newkey', 'rsa:1024']), 'KEY_TOO_WEAK'],
    [
      'fail/secp256k1',
      () => opensslCsr('k1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1']),
      'KEY_TYPE_UNSUPPORTED',
    ],
    [
      'fail/P-521',
      () => opensslCsr('p521', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521']),
      'KEY_TYPE_UNSUPPORTED',
    ],
    ['fail/Ed448', () => opensslCsr('ed448', ['-newkey', 'ed448']), 'KEY_TYPE_UNSUPPORTED'],
  ])('%s', (_n, make, want) => {
    expect(codeOf(() => parseCsr(make()))).toBe(want);
  });
});
