/**
 * Test helpers: a real signer as a child process on 127.0.0.1, on a state directory made by the
 * real `trustmesh` CLI (`init --insecure-plaintext-keys`: keys generated per run, never committed),
 * bootstrap tokens made by the CLI, and a bundle version bump written to the store the way an
 * operator's CLI does from another process. Imported from spec/e2e files only.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { LAYOUT, META, statePath } from '@trustmesh/ca';
import { openSqliteStore } from '@trustmesh/store';

const execFileP = promisify(execFile);
/** Repository root (apps/sidecar/src/control/testing → ../../../../..). */
export const REPO_ROOT = resolve(__dirname, '../../../../..');

/** The mesh used by the control-plane tests: api dials db; `leafTtl` is the policy minimum (60 s). */
export const TEST_MESH = `trustDomain: example.test
types:
  web: { dials: [api] }
  api: { accepts: [web], dials: [db], leafTtl: 60s }
  db: { accepts: [api], leafTtl: 60s }
`;

/** A state directory for a signer. */
export interface SignerState {
  readonly base: string;
  readonly dir: string;
  readonly rootPemFile: string;
  cleanup(): void;
}

/** Runs the real CLI; rejects with its stderr on a non-zero exit. */
export async function trustmesh(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileP(process.execPath, ['apps/cli/bin/trustmesh.js', ...args], {
      cwd: REPO_ROOT,
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    return stdout;
  } catch (e) {
    throw new Error(`trustmesh ${args[0]} failed: ${(e as { stderr?: string }).stderr ?? String(e)}`);
  }
}

/** `trustmesh init --config <mesh>` into a fresh temp directory. */
export async function createSignerState(mesh = TEST_MESH): Promise<SignerState> {
  const base = mkdtempSync(join(tmpdir(), 'tm-sidecar-ctl-'));
  const dir = join(base, 'state');
  const meshFile = join(base, 'trustmesh.yaml');
  writeFileSync(meshFile, mesh);
  await trustmesh(['init', '--dir', dir, '--config', meshFile, '--insecure-plaintext-keys']);
  return {
    base,
    dir,
    rootPemFile: statePath(dir, LAYOUT.platformRoot),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** A one-time bootstrap token for `type`/`instance`, written to a file (mode 0600); returns the path. */
export async function createTokenFile(state: SignerState, type: string, instance: string): Promise<string> {
  const out = JSON.parse(
    await trustmesh(['token', 'create', '--dir', state.dir, '--type', type, '--instance', instance, '--json']),
  ) as { secret: string };
  const file = join(state.base, `${type}-${instance}.token`);
  writeFileSync(file, `${out.secret}\n`, { mode: 0o600 });
  return file;
}

/** Raises the store's bundle version by one (what a rotation phase does); returns the new version. */
export async function bumpBundleVersion(state: SignerState): Promise<number> {
  const store = await openSqliteStore(statePath(state.dir, LAYOUT.db));
  try {
    const next = Number((await store.getMeta(META.bundleVersion)) ?? '0') + 1;
    await store.setMeta(META.bundleVersion, String(next));
    return next;
  } finally {
    await store.close();
  }
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** A running signer child process. */
export interface SignerProcess {
  readonly port: number;
  readonly child: ChildProcess;
  /** stderr so far (for failure messages). */
  stderr(): string;
  /** SIGKILL (default) or SIGTERM; resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `apps/signer/bin/signer.ts --dir D --listen 127.0.0.1:port --poll-ms 100`; resolves once it listens (20 s bound). */
export function startSigner(state: SignerState, port: number): Promise<SignerProcess> {
  const child = spawn(
    process.execPath,
    [
      'tools/scripts/run-ts.js',
      'apps/signer/bin/signer.ts',
      '--dir',
      state.dir,
      '--listen',
      `127.0.0.1:${port}`,
      '--poll-ms',
      '100',
    ],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
  const handle: SignerProcess = {
    port,
    child,
    stderr: () => err,
    stop: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`signer did not start: ${err}`));
    }, 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('signer listening on')) {
        clearTimeout(timer);
        ok(handle);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`signer exited with ${code}: ${err}`));
    });
  });
}

/** The status reports the signer stored (read from its store, as `trustmesh status` would). */
export async function readStatusReports(
  state: SignerState,
): Promise<{ serviceType: string; instanceId: string; report: Record<string, unknown> }[]> {
  const store = await openSqliteStore(statePath(state.dir, LAYOUT.db));
  try {
    return (await store.listStatusReports()).map((r) => ({
      serviceType: r.serviceType,
      instanceId: r.instanceId,
      report: r.report,
    }));
  } finally {
    await store.close();
  }
}

/** Polls `cond` every 20 ms until true; rejects after `timeoutMs` with `what`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
