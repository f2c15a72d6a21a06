/**
 * The signer side of the rotation benchmark: a state directory made by `trustmesh init` (one
 * type, `db`; plaintext development keys and TRUSTMESH_KDF=fast — the KDF is not measured),
 * bootstrap tokens written in bulk into the store (same hashing as `trustmesh token create`,
 * like bench/signer/trustmesh.ts), the real signer as a child process of the CLI bin, and the
 * `trustmesh` commands the benchmark runs (synchronous, bounded by a timeout).
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT, newToken, statePath } from '@trustmesh/ca';
import { openSqliteStore } from '@trustmesh/store';
import { freePort, startServer, type ServerProcess } from '../lib/server-process';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'apps/cli/bin/trustmesh.js');
/** The trust domain of the benchmark's mesh. */
export const TRUST_DOMAIN = 'bench.test';
/** The one service type whose root is rotated. */
export const TYPE = 'db';
const CLI_ENV = { ...process.env, TRUSTMESH_KDF: 'fast' };

/** A running signer with its state directory. */
export interface RotationSigner {
  server: ServerProcess;
  state: string;
  target: string;
  /** The platform root (trust anchor of the signer's serving certificate). */
  rootPem: Buffer;
  /** One single-use bootstrap token per identity, in order. */
  tokens: string[];
  /** Runs `trustmesh <args> --dir <state>`; returns stdout. Throws with stderr on a non-zero exit. */
  cli(args: string[]): string;
  /** The same without blocking the event loop (for commands run while the fleet is live). */
  cliAsync(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** Signer settings of a run. */
export interface SignerOptions {
  /** Overall rate limit (requests/s, burst the same). */
  rateOverall: number;
  /** How often the signer polls the store for CA and bundle changes (ms). */
  pollMs: number;
  /** The signer's `--store-sync` (default: the signer's own, `full`). */
  storeSync?: 'full' | 'normal';
}

/** init + tokens + signer; throws (after stopping what it started) if any step fails. */
export async function startRotationSigner(dir: string, tokenCount: number, o: SignerOptions): Promise<RotationSigner> {
  const state = join(dir, 'state');
  const cli = (args: string[]): string => {
    try {
      return execFileSync(process.execPath, [BIN, ...args, '--dir', state], {
        cwd: ROOT,
        env: CLI_ENV,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 30_000,
      });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`trustmesh ${args.join(' ')} failed: ${(err.stderr ?? err.message).trim()}`);
    }
  };
  const cliAsync = (args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [BIN, ...args, '--dir', state],
        { cwd: ROOT, env: CLI_ENV, encoding: 'utf8', timeout: 30_000 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`trustmesh ${args.join(' ')} failed: ${(stderr || err.message).trim()}`));
          else resolve(stdout);
        },
      );
    });
  cli(['init', '--trust-domain', TRUST_DOMAIN, '--types', TYPE, '--insecure-plaintext-keys']);

  // The CLI makes one token per process; 1,000 are written in one transaction instead.
  const tokens: string[] = [];
  const store = await openSqliteStore(statePath(state, LAYOUT.db));
  const now = new Date();
  try {
    await store.transaction(async (s) => {
      for (let i = 0; i < tokenCount; i++) {
        const t = newToken({ serviceType: TYPE, instanceId: null, ttlSeconds: 3600, now });
        tokens.push(t.secret);
        await s.putToken(t.record);
      }
    });
  } finally {
    await store.close();
  }

  const port = await freePort();
  const server = await startServer({
    cmd: process.execPath,
    args: [
      BIN,
      'signer',
      '--dir',
      state,
      '--listen',
      `127.0.0.1:${port}`,
      '--rate-overall',
      String(o.rateOverall),
      '--poll-ms',
      String(o.pollMs),
      ...(o.storeSync ? ['--store-sync', o.storeSync] : []),
    ],
    port,
    cwd: ROOT,
    logFile: join(dir, 'signer.log'),
    env: { ...CLI_ENV, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
    timeoutMs: 30_000,
  });
  return {
    server,
    state,
    target: `127.0.0.1:${port}`,
    tokens,
    cli,
    cliAsync,
    rootPem: readFileSync(statePath(state, LAYOUT.platformRoot)),
    stop: () => server.stop(),
  };
}

/** `rotation` of a type as `trustmesh status --json` prints it (the fields used here). */
export interface RotationInfo {
  phase: string;
  newIntermediateId: string;
  preparedVersion: number;
}

/** The bundle version and `type`'s rotation state, from `status --json` (blocks the event loop ~1 s: setup only). */
export function statusOf(
  signer: RotationSigner,
  type: string,
): { bundleVersion: number; rotation: RotationInfo | null } {
  const doc = JSON.parse(signer.cli(['status', '--json'])) as {
    bundleVersion: number;
    types: { serviceType: string; rotation: RotationInfo | null }[];
  };
  const t = doc.types.find((x) => x.serviceType === type);
  if (!t) throw new Error(`status --json has no type ${type}`);
  return { bundleVersion: doc.bundleVersion, rotation: t.rotation };
}
