/**
 * Concurrency and failure midway: the lock, two inits at once, a crash in the middle of init,
 * a write failing in the middle of `ca create`. Never a half-made state directory.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT, STAGING_PREFIX } from '@trustmesh/ca';
import { cli, cliAsync, errorCode, finished, snapshot, tempDir } from './harness';

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

const initArgs = (dir: string, ...extra: string[]): string[] => [
  'init',
  '--dir',
  dir,
  '--trust-domain',
  'example.test',
  '--types',
  'api,db',
  ...extra,
];

describe('lock', () => {
  it('fail/LOCKED while a live process holds D/.lock (init and ca create)', () => {
    const d = join(tmp.dir, 'locked');
    mkdirSync(d);
    writeFileSync(join(d, LAYOUT.lock), `${process.pid} test-holds-it\n`);
    const r = cli(initArgs(d, '--insecure-plaintext-keys'));
    expect([r.code, errorCode(r.stderr)]).toEqual([1, 'LOCKED']);
    expect(readdirSync(d)).toEqual([LAYOUT.lock]);
    rmSync(join(d, LAYOUT.lock));
    expect(cli(initArgs(d, '--insecure-plaintext-keys')).code).toBe(0);
    writeFileSync(join(d, LAYOUT.lock), `${process.pid} test-holds-it\n`);
    appendFileSync(join(d, LAYOUT.mesh), '  web: {}\n');
    const c = cli(['ca', 'create', 'web', '--dir', d]);
    expect([c.code, errorCode(c.stderr)]).toEqual([1, 'LOCKED']);
  });

  it('ok/two inits at once: exactly one wins, the other is refused, the state is whole', async () => {
    const d = join(tmp.dir, 'race');
    const [a, b] = await Promise.all([finished(cliAsync(initArgs(d))), finished(cliAsync(initArgs(d)))]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 1]);
    const loser = a.code === 1 ? a : b;
    expect(['LOCKED', 'ALREADY_INITIALIZED']).toContain(errorCode(loser.stderr));
    const list = cli(['ca', 'list', '--dir', d, '--json']);
    expect(JSON.parse(list.stdout)).toHaveLength(6);
    expect(readdirSync(join(d, 'keys'))).toHaveLength(3);
    expect(readdirSync(join(d, 'offline'))).toHaveLength(3);
    expect(existsSync(join(d, LAYOUT.lock))).toBe(false);
  });
});

describe('failure midway', () => {
  it('fail/init killed after its first CA set: nothing looks initialized; the next init succeeds', async () => {
    const d = join(tmp.dir, 'crash');
    const child = cliAsync(initArgs(d));
    const done = finished(child);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes("init: CA set 'platform'")) child.kill('SIGKILL');
    });
    const r = await done;
    expect(r.signal).toBe('SIGKILL');
    const left = readdirSync(d).sort();
    expect(left.filter((e) => e !== LAYOUT.lock && !e.startsWith(STAGING_PREFIX))).toEqual([]);
    expect(left.some((e) => e.startsWith(STAGING_PREFIX))).toBe(true);
    const list = cli(['ca', 'list', '--dir', d]);
    expect([list.code, errorCode(list.stderr)]).toEqual([1, 'NOT_INITIALIZED']);
    // The dead process's lock is stale and its staging dir is cleared by the next init.
    const again = cli(initArgs(d));
    expect(again.code).toBe(0);
    expect(readdirSync(d).filter((e) => e.startsWith('.'))).toEqual([]);
  });

  it('fail/ca create whose key write fails midway (keys/ is not a directory): KEY_WRITE_FAILED, root key removed, nothing recorded', () => {
    const d = join(tmp.dir, 'midway');
    expect(cli(initArgs(d, '--insecure-plaintext-keys')).code).toBe(0);
    appendFileSync(join(d, LAYOUT.mesh), '  web: {}\n');
    renameSync(join(d, 'keys'), join(d, 'keys.moved'));
    writeFileSync(join(d, 'keys'), 'not a directory');
    const offlineBefore = readdirSync(join(d, 'offline')).sort();
    const listBefore = cli(['ca', 'list', '--dir', d, '--json']).stdout;
    const r = cli(['ca', 'create', 'web', '--dir', d]);
    expect([r.code, errorCode(r.stderr)]).toEqual([1, 'KEY_WRITE_FAILED']);
    expect(readdirSync(join(d, 'offline')).sort()).toEqual(offlineBefore);
    expect(cli(['ca', 'list', '--dir', d, '--json']).stdout).toBe(listBefore);
    expect(existsSync(join(d, LAYOUT.lock))).toBe(false);
    rmSync(join(d, 'keys'));
    renameSync(join(d, 'keys.moved'), join(d, 'keys'));
    const before = snapshot(join(d, 'offline'));
    const ok = cli(['ca', 'create', 'web', '--dir', d]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('warning: this state directory uses UNENCRYPTED key files');
    expect(Object.keys(snapshot(join(d, 'offline')))).toHaveLength(Object.keys(before).length + 1);
  });
});
