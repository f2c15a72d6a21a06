/**
 * Test helpers for e2e files (openssl is a process, so no spec may use them): the real `openssl`
 * CLI as an independent judge, and temp files for it. Not exported from the library.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp directory that removes itself with `cleanup()`. */
export function tempDir(): { dir: string; file(name: string, content?: string | Uint8Array): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pki-spec-'));
  return {
    dir,
    file(name, content) {
      const p = join(dir, name);
      if (content !== undefined) writeFileSync(p, content);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs openssl; returns exit status and combined output (never throws on a non-zero exit). */
export function openssl(args: string[], input?: string | Buffer): { status: number; out: string } {
  const r = spawnSync('openssl', args, { input, timeout: 20000, encoding: 'buffer' });
  return {
    status: r.status ?? -1,
    out: Buffer.concat([r.stdout ?? Buffer.alloc(0), r.stderr ?? Buffer.alloc(0)]).toString('utf8'),
  };
}

/** Runs openssl and returns stdout as bytes; throws with the output when it fails. */
export function opensslOk(args: string[]): Buffer {
  return execFileSync('openssl', args, { timeout: 20000, stdio: ['ignore', 'pipe', 'pipe'] });
}

export { readFileSync };
