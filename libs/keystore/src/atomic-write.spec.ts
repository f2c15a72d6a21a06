import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST_KDF, KeystoreError, writeFileAtomic, writeKeyFile, type FsOps } from './index';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tm-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as KeystoreError).code;
  }
  return 'NO_ERROR';
}
const boom = (): never => {
  const e = new Error('injected') as NodeJS.ErrnoException;
  e.code = 'EIO';
  throw e;
};

// A real crash (a child process killed between fsync and link): atomic-write.child.e2e.ts.
describe('writeFileAtomic', () => {
  it('ok/writes the whole file with mode 0600 and leaves no temp file', () => {
    const file = join(dir, 'a.txt');
    writeFileAtomic(file, 'hello');
    expect(readFileSync(file, 'utf8')).toBe('hello');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('ok/overwrite replaces the file when asked', () => {
    const file = join(dir, 'a.txt');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two', { overwrite: true, mode: 0o644 });
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(statSync(file).mode & 0o777).toBe(0o644);
  });

  it('fail/FILE_EXISTS without overwrite, old content kept', () => {
    const file = join(dir, 'a.txt');
    writeFileSync(file, 'old');
    expect(codeOf(() => writeFileAtomic(file, 'new'))).toBe('FILE_EXISTS');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  const faults: { name: keyof FsOps; overwrite: boolean }[] = [
    { name: 'writeSync', overwrite: false },
    { name: 'fsyncSync', overwrite: false },
    { name: 'linkSync', overwrite: false },
    { name: 'renameSync', overwrite: true },
  ];
  it.each(faults)('fail/WRITE_FAILED when $name fails: no target, no temp file', ({ name, overwrite }) => {
    const file = join(dir, 'a.txt');
    expect(codeOf(() => writeFileAtomic(file, 'data', { overwrite, fs: { [name]: boom } }))).toBe('WRITE_FAILED');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fail/a failing write midway leaves no partial key file (KEY_WRITE_FAILED)', async () => {
    const file = join(dir, 'k.key');
    let calls = 0;
    // The first chunk goes through, then the disk "fails": a classic torn write.
    const writeSync = (fd: number, data: Uint8Array): number => {
      if (calls++ === 0) return require('node:fs').writeSync(fd, data.subarray(0, 20));
      return boom();
    };
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    let code = 'NO_ERROR';
    try {
      await writeKeyFile(file, key, { passphrase: 'passphrase-1', kdf: FAST_KDF }, { fs: { writeSync } });
    } catch (err) {
      code = (err as KeystoreError).code;
    }
    expect(code).toBe('KEY_WRITE_FAILED');
    expect(readdirSync(dir)).toEqual([]);
  });
});
