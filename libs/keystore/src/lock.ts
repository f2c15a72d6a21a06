/**
 * An exclusive, cross-process lock: a lock file created with O_EXCL that holds the owner's
 * pid. A lock whose pid is no longer alive (the owner crashed) is stale and is taken over.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { KeystoreError } from './errors';

/** A held lock. `release` is idempotent and only removes the file if it is still ours. */
export interface LockHandle {
  readonly path: string;
  release(): void;
}

/** A lock file with no readable pid younger than this is treated as being written right now. */
const EMPTY_LOCK_GRACE_MS = 10_000;

/**
 * Takes the lock at `path` (its directory must exist). If the file exists and its pid is alive,
 * throws KeystoreError LOCKED (detail: the holder's pid); if that pid is dead, the stale file is
 * moved aside and the lock taken. Other fs errors throw LOCK_FAILED. Never waits.
 */
export function acquireLock(path: string): LockHandle {
  const token = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, token)) return handle(path, token);
    breakIfStale(path);
  }
  throw new KeystoreError('LOCKED', holderOf(path));
}

function tryCreate(path: string, token: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new KeystoreError('LOCK_FAILED', (err as NodeJS.ErrnoException).code, { cause: err });
  }
  try {
    writeSync(fd, token);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Moves a stale lock aside. Throws LOCKED when the holder is alive. */
function breakIfStale(path: string): void {
  const seen = readQuietly(path);
  if (seen === null) return; // vanished meanwhile: just retry
  if (!isStale(path, seen)) throw new KeystoreError('LOCKED', String(pidOf(seen) ?? 'unknown pid'));
  // rename is atomic: of two processes breaking the same stale lock, only one moves it.
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  if (readQuietly(aside) !== seen) {
    // We moved a fresh lock that someone created after our read: put it back (link fails if taken).
    try {
      linkSync(aside, path);
    } catch {
      /* a third process holds it now; ours is lost either way */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
}

function isStale(path: string, content: string): boolean {
  const pid = pidOf(content);
  if (pid === null) {
    try {
      return Date.now() - statSync(path).mtimeMs > EMPTY_LOCK_GRACE_MS;
    } catch {
      return false;
    }
  }
  return !isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else — alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function pidOf(content: string): number | null {
  const m = /^(\d+) /.exec(content);
  return m ? Number(m[1]) : null;
}

function holderOf(path: string): string {
  const c = readQuietly(path);
  return c === null ? 'unknown pid' : String(pidOf(c) ?? 'unknown pid');
}

function readQuietly(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function handle(path: string, token: string): LockHandle {
  let held = true;
  return {
    path,
    release(): void {
      if (!held) return;
      held = false;
      if (readQuietly(path) === token) {
        try {
          unlinkSync(path);
        } catch (err) {
          throw new KeystoreError('LOCK_FAILED', 'release', { cause: err });
        }
      }
    },
  };
}
