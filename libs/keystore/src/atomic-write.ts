/**
 * Crash-safe file writes: the bytes go to a temp file in the same directory, are fsynced, and
 * only then appear under the final name (link or rename), followed by an fsync of the
 * directory. A reader sees either no file or the whole file, never a prefix.
 */
import * as nodeFs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { KeystoreError } from './errors';

/** The fs operations used by {@link writeFileAtomic}; tests swap one to inject a failure. */
export interface FsOps {
  openSync: typeof nodeFs.openSync;
  writeSync: (fd: number, data: Uint8Array) => number;
  fsyncSync: typeof nodeFs.fsyncSync;
  closeSync: typeof nodeFs.closeSync;
  linkSync: typeof nodeFs.linkSync;
  renameSync: typeof nodeFs.renameSync;
  unlinkSync: typeof nodeFs.unlinkSync;
}

const REAL_FS: FsOps = {
  openSync: nodeFs.openSync,
  writeSync: (fd, data) => nodeFs.writeSync(fd, data),
  fsyncSync: nodeFs.fsyncSync,
  closeSync: nodeFs.closeSync,
  linkSync: nodeFs.linkSync,
  renameSync: nodeFs.renameSync,
  unlinkSync: nodeFs.unlinkSync,
};

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode of the new file. Default 0o600 (owner read/write only). */
  mode?: number;
  /** Replace an existing file. Default false: an existing target fails with FILE_EXISTS. */
  overwrite?: boolean;
  /** fs operations to use (fault injection in tests). Default: node:fs. */
  fs?: Partial<FsOps>;
}

/**
 * Writes `data` to `path` atomically (temp + fsync + link/rename + directory fsync).
 * Without `overwrite`, the final step is `link(2)`, which fails atomically if the name exists,
 * so two writers can never replace each other's file. Throws KeystoreError FILE_EXISTS or
 * WRITE_FAILED; on any failure the temp file is removed and the target is untouched.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, o: AtomicWriteOptions = {}): void {
  const fs: FsOps = { ...REAL_FS, ...o.fs };
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let tmpExists = false;
  try {
    const fd = fs.openSync(tmp, 'wx', o.mode ?? 0o600);
    tmpExists = true;
    try {
      let off = 0;
      while (off < bytes.length) off += fs.writeSync(fd, bytes.subarray(off));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (o.overwrite) {
      fs.renameSync(tmp, path);
      tmpExists = false;
    } else {
      fs.linkSync(tmp, path);
      fs.unlinkSync(tmp);
      tmpExists = false;
    }
    fsyncDir(dir);
  } catch (err) {
    if (tmpExists) removeQuietly(fs, tmp);
    if (err instanceof KeystoreError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new KeystoreError('FILE_EXISTS', path, { cause: err });
    throw new KeystoreError('WRITE_FAILED', `${path}: ${code ?? String(err)}`, { cause: err });
  }
}

/** fsyncs a directory so a rename or link in it survives a power loss. */
export function fsyncDir(dir: string): void {
  const fd = nodeFs.openSync(dir, 'r');
  try {
    nodeFs.fsyncSync(fd);
  } finally {
    nodeFs.closeSync(fd);
  }
}

function removeQuietly(fs: FsOps, file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Best effort: the temp name is never read as a key, so a leftover is harmless.
  }
}
