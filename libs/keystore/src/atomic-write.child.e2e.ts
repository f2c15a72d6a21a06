import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readKeyFile } from './index';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tm-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('fail/a process killed between fsync and link leaves no key file', () => {
    const file = join(dir, 'k.key');
    const script = `
      require(${JSON.stringify(resolve(__dirname, '../../../tools/scripts/register-ts.js'))}).registerTs();
      const ks = require(${JSON.stringify(resolve(__dirname, 'index.ts'))});
      const key = require('node:crypto').generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const linkSync = () => process.kill(process.pid, 'SIGKILL');
      ks.writeKeyFile(${JSON.stringify(file)}, key, { passphrase: 'passphrase-1', kdf: ks.FAST_KDF }, { fs: { linkSync } });
    `;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: resolve(__dirname, '../../..'), timeout: 30_000 });
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(file)).toBe(false);
    // The crash leaves only a dot-temp file, fully written, that no reader takes for the key.
    const left = readdirSync(dir);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^\.k\.key\.tmp-/);
    return expect(readKeyFile(file, 'passphrase-1')).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
  });
});
