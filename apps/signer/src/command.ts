import { readFileSync, statSync } from 'node:fs';
import { CaError, openStateReader } from '@trustmesh/ca';
import { readKeyFile } from '@trustmesh/keystore';
import type { Store } from '@trustmesh/store';
import { createTelemetry } from '@trustmesh/telemetry';
import { parseSignerArgs, SIGNER_USAGE, type SignerCommandConfig } from './config';
import { SignerError } from './errors';
import { createSigner } from './signer';

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
}

const MAX_PASSPHRASE_FILE_BYTES = 4096;

/**
 * `trustmesh signer --dir D --listen HOST:PORT [--admin-listen HOST:PORT] [--san NAME|IP]...`:
 * opens D's store and mesh config, unlocks the online CA keys (passphrase from
 * `--passphrase-file`'s first line or TRUSTMESH_PASSPHRASE), serves until SIGINT/SIGTERM (or
 * `signal`), then shuts down gracefully. Resolves to the exit code: 0 after a clean stop, 2 for
 * bad arguments, 1 when the signer cannot start (the reason code is printed on stderr).
 * Telemetry: Prometheus on the admin listener, OTLP when `env` has the OTEL_* variables.
 */
export async function runSignerCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, o: RunSignerOptions = {}): Promise<number> {
  const io = o.io ?? { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  let cfg: SignerCommandConfig;
  try {
    cfg = parseSignerArgs(argv, env);
    if (cfg.passphraseFile) cfg = { ...cfg, passphrase: readPassphraseFile(cfg.passphraseFile) };
  } catch (err) {
    io.err(`trustmesh signer: ${describe(err)}\n`);
    if (!(err instanceof SignerError)) io.err(`${SIGNER_USAGE}\n`);
    return 2;
  }

  let store: Store | undefined;
  const telemetry = createTelemetryOrNull(env, io);
  if (!telemetry) return 2;
  try {
    const state = await openStateReader(cfg.dir, { synchronous: cfg.storeSync }).catch((err: unknown) => {
      // The state directory's own failures are the signer's STATE_INVALID (same text as their detail).
      throw err instanceof CaError ? new SignerError('STATE_INVALID', err.detail, { cause: err }) : err;
    });
    store = state.store;
    const passphrase = cfg.passphrase;
    const signer = await createSigner({
      store,
      mesh: state.mesh,
      loadKey: (keyRef) => readKeyFile(state.keyPath(keyRef), passphrase),
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

function createTelemetryOrNull(env: Readonly<Record<string, string | undefined>>, io: SignerIo): ReturnType<typeof createTelemetry> | null {
  try {
    return createTelemetry({ serviceName: 'trustmesh-signer', env });
  } catch (err) {
    io.err(`trustmesh signer: ${describe(err)}\n`);
    return null;
  }
}

function readPassphraseFile(file: string): string {
  try {
    if (statSync(file).size > MAX_PASSPHRASE_FILE_BYTES) throw new SignerError('ARGS_INVALID', `--passphrase-file ${file}: larger than 4 KiB`);
    return readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
  } catch (err) {
    if (err instanceof SignerError) throw err;
    throw new SignerError('ARGS_INVALID', `--passphrase-file ${file}: ${(err as Error).message}`);
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
