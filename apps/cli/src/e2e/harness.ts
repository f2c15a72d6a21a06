/**
 * Test harness: runs the real `trustmesh` bin as a child process (cwd = repo root) in temp
 * state directories, and small helpers around openssl and the state files.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../../..');
export const BIN = join(ROOT, 'apps/cli/bin/trustmesh.js');
export const PASS = 'e2e passphrase 0123';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Base environment: fast KDF (tests only), no inherited TRUSTMESH_* variables. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TRUSTMESH_KDF: 'fast' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs `trustmesh ...args` to completion (bounded: 60 s). */
export function cli(args: string[], env: NodeJS.ProcessEnv = baseEnv({ TRUSTMESH_PASSPHRASE: PASS })): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `trustmesh ...args` without waiting. */
export function cliAsync(
  args: string[],
  env: NodeJS.ProcessEnv = baseEnv({ TRUSTMESH_PASSPHRASE: PASS }),
): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits for a child to exit and collects its output (bounded: 60 s). */
export function finished(child: ChildProcess): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error('child timed out'));
    }, 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      res({ code: code ?? -1, signal, stdout, stderr });
    });
  });
}

/** A fresh temp directory; `cleanup` removes it. */
export function tempDir(prefix = 'tm-cli-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The one error line a failing command printed: `trustmesh: CODE: ...`. */
export function errorCode(stderr: string): string | undefined {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => /^trustmesh: [A-Z][A-Z0-9_]+: /.test(l));
  return lines.length > 0 ? lines[lines.length - 1].split(': ')[1] : undefined;
}

/** `openssl verify` of `leafPem` against `rootPem` with optional untrusted intermediates. */
export function opensslVerify(
  dir: string,
  rootPem: string,
  leafPem: string,
  untrustedPem?: string,
): { ok: boolean; out: string } {
  const root = join(dir, `root-${Math.random().toString(36).slice(2)}.pem`);
  const leaf = `${root}.leaf.pem`;
  writeFileSync(root, rootPem);
  writeFileSync(leaf, leafPem);
  const args = ['verify', '-x509_strict', '-CAfile', root];
  if (untrustedPem !== undefined) {
    writeFileSync(`${root}.untrusted.pem`, untrustedPem);
    args.push('-untrusted', `${root}.untrusted.pem`);
  }
  const r = spawnSync('openssl', [...args, leaf], { encoding: 'utf8', timeout: 10_000 });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

/** SHA-256 of every file under `dir` (relative path → hash), to prove nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const r = rel ? `${rel}/${e}` : e;
      if (statSync(p).isDirectory()) walk(p, r);
      else out[r] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

/** Splits a PEM bundle into its blocks. */
export function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN [^-]+-----[\s\S]+?-----END [^-]+-----\n?/g)?.map((b) => b.trimEnd() + '\n') ?? [];
}
