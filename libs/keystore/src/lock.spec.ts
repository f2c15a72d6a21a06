import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeystoreError, acquireLock } from './index';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tm-lock-'));
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

/**
 * A pid that surely is not running, without starting a process: Linux never hands out a pid at
 * or above /proc/sys/kernel/pid_max (proc(5): it is one greater than the largest pid), so a pid
 * above it names no process and `kill(pid, 0)` fails with ESRCH.
 */
function deadPid(): number {
  return Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim()) + 1;
}

describe('acquireLock', () => {
  it('ok/acquire, release, acquire again; the file holds our pid', () => {
    const path = join(dir, '.lock');
    const a = acquireLock(path);
    expect(readFileSync(path, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    a.release();
    a.release(); // idempotent
    expect(existsSync(path)).toBe(false);
    acquireLock(path).release();
  });

  it('fail/LOCKED while a live process holds it', () => {
    const path = join(dir, '.lock');
    const a = acquireLock(path);
    expect(codeOf(() => acquireLock(path))).toBe('LOCKED');
    a.release();
  });

  it('fail/LOCKED names the live holder pid', () => {
    const path = join(dir, '.lock');
    writeFileSync(path, `1 abcdef\n`); // pid 1 is always alive
    try {
      acquireLock(path);
      throw new Error('no error');
    } catch (err) {
      expect((err as KeystoreError).code).toBe('LOCKED');
      expect((err as KeystoreError).detail).toBe('1');
    }
  });

  it('ok/a stale lock from a dead pid is taken over', () => {
    const path = join(dir, '.lock');
    writeFileSync(path, `${deadPid()} deadbeef\n`);
    const a = acquireLock(path);
    expect(readFileSync(path, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    a.release();
  });

  it('ok/an old empty lock (crash before the pid was written) is stale; a fresh one is not', () => {
    const path = join(dir, '.lock');
    writeFileSync(path, '');
    expect(codeOf(() => acquireLock(path))).toBe('LOCKED');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    acquireLock(path).release();
  });

  it('ok/release does not remove a lock that is no longer ours', () => {
    const path = join(dir, '.lock');
    const a = acquireLock(path);
    writeFileSync(path, '1 someone-else\n');
    a.release();
    expect(readFileSync(path, 'utf8')).toBe('1 someone-else\n');
  });
});
