import { CaError, openStateReader } from '@trustmesh/ca';
import type { Store } from '@trustmesh/store';
import { createTelemetry } from '@trustmesh/telemetry';
import { checkSigner } from './check';
import {
  argsError,
  inspectSignerArgs,
  SIGNER_USAGE,
  type SignerArgsInspection,
  type SignerCommandConfig,
} from './config';
import { SignerError } from './errors';
import { readPassphraseFile } from './passphrase-file';
import { createSigner } from './signer';
import { stateKeyLoader } from './state-keys';

/** Where the command writes: results and log lines. */
export interface SignerIo {
  out(text: string): void;
  err(text: string): void;
}

/** Options of {@link runSignerCommand} beyond argv/env. */
export interface RunSignerOptions {
  io?: SignerIo;
  /** Stops the signer when aborted (default: SIGINT / SIGTERM of this process). */
  signal?: AbortSignal;
  /** Called once the signer listens (tests: learn the ports). */
  onListening?: (info: { port: number; adminPort?: number }) => void;
  /** The clock reading of `--check` (the serving certificate is minted at it). Default: now. */
  now?: Date;
}

/**
 * `trustmesh signer --dir D --listen HOST:PORT [--admin-listen HOST:PORT] [--san NAME|IP]...`:
 * opens D's store and mesh config, unlocks the online CA keys (passphrase from
 * `--passphrase-file`'s first line or TRUSTMESH_PASSPHRASE), serves until SIGINT/SIGTERM (or
 * `signal`), then shuts down gracefully. Resolves to the exit code: 0 after a clean stop, 2 for
 * bad arguments, 1 when the signer cannot start (the reason code is printed on stderr).
 * Telemetry: Prometheus on the admin listener, OTLP when `env` has the OTEL_* variables.
 *
 * With `--check`, runs the checks of a start that need no port ({@link checkSigner}) and starts
 * nothing: 0 and one line on stdout (`signer state D: ok (...)`) when all pass, else 1 and one
 * line per problem on stderr (`signer state D: <where>: <CODE>: <message>`); 2 when the command
 * line cannot be parsed at all.
 */
export async function runSignerCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  o: RunSignerOptions = {},
): Promise<number> {
  const io = o.io ?? { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  let args: SignerArgsInspection;
  let cfg: SignerCommandConfig | undefined;
  try {
    args = inspectSignerArgs(argv, env);
    if (!args.config.check) {
      if (args.issues.length > 0) throw argsError(args.issues);
      cfg = args.config as SignerCommandConfig;
      if (cfg.passphraseFile) {
        const read = readPassphraseFile(cfg.passphraseFile);
        if ('issue' in read) throw argsError([read.issue]);
        cfg = { ...cfg, passphrase: read.passphrase };
      }
    }
  } catch (err) {
    io.err(`trustmesh signer: ${describe(err)}\n`);
    if (!(err instanceof SignerError)) io.err(`${SIGNER_USAGE}\n`);
    return 2;
  }
  if (!cfg) return runCheck(args, env, io, o.now ?? new Date());

  let store: Store | undefined;
  const telemetry = createTelemetryOrNull(env, io);
  if (!telemetry) return 2;
  try {
    const state = await openStateReader(cfg.dir, { synchronous: cfg.storeSync }).catch((err: unknown) => {
      // The state directory's own failures are the signer's STATE_INVALID (same text as their detail).
      throw err instanceof CaError ? new SignerError('STATE_INVALID', err.detail, { cause: err }) : err;
    });
    store = state.store;
    const signer = await createSigner({
      store,
      mesh: state.mesh,
      loadKey: stateKeyLoader(state, cfg.passphrase),
      now: () => new Date(),
      listen: cfg.listen,
      ...(cfg.adminListen ? { adminListen: cfg.adminListen } : {}),
      telemetry,
      options: cfg.options,
      log: (line) => io.err(`${new Date().toISOString()} ${line}\n`),
    });
    const s = signer.serving();
    io.out(
      `signer listening on ${cfg.listen.host}:${signer.port}` +
        (signer.adminPort !== undefined ? `, admin on ${cfg.adminListen?.host}:${signer.adminPort}` : '') +
        ` (serving certificate ${s.serialHex}, not after ${s.notAfter.toISOString()})\n`,
    );
    o.onListening?.({ port: signer.port, ...(signer.adminPort !== undefined ? { adminPort: signer.adminPort } : {}) });
    await waitForStop(o.signal);
    io.err('signer stopping\n');
    await signer.close();
    return 0;
  } catch (err) {
    io.err(`trustmesh signer: ${describe(err)}\n`);
    return 1;
  } finally {
    await store?.close().catch(() => undefined);
    await telemetry.shutdown().catch(() => undefined);
  }
}

/** `--check`: every problem on stderr (exit 1), or what was checked on stdout (exit 0). */
async function runCheck(
  args: SignerArgsInspection,
  env: Readonly<Record<string, string | undefined>>,
  io: SignerIo,
  now: Date,
): Promise<number> {
  const result = await checkSigner(args, env, now);
  const head = args.config.dir === undefined ? 'signer' : `signer state ${args.config.dir}`;
  if (result.problems.length === 0) {
    io.out(`${head}: ok (${result.summary ?? ''})\n`);
    return 0;
  }
  for (const p of result.problems) io.err(`${head}: ${p.where}: ${p.code}: ${p.message}\n`);
  return 1;
}

function createTelemetryOrNull(
  env: Readonly<Record<string, string | undefined>>,
  io: SignerIo,
): ReturnType<typeof createTelemetry> | null {
  try {
    return createTelemetry({ serviceName: 'trustmesh-signer', env });
  } catch (err) {
    io.err(`trustmesh signer: ${describe(err)}\n`);
    return null;
  }
}

function waitForStop(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal) {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; detail?: string; issues?: { path: string; message: string }[] };
  const parts = [e?.code, e?.message, e?.detail].filter(Boolean).join(': ') || String(err);
  const issues = e?.issues?.map((i) => `\n  ${i.path}: ${i.message}`).join('') ?? '';
  return parts + issues;
}
