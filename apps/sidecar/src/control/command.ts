/**
 * `trustmesh sidecar --config FILE`: loads and validates the sidecar config (every problem listed),
 * starts the control plane and the data plane, serves until SIGTERM/SIGINT (or `signal`), then
 * stops accepting, drains and exits. Everything is in the config except telemetry export, which
 * follows the standard `OTEL_*` variables of the environment handed in (libs/telemetry).
 * `--check` runs the checks of a start that need no network (preflight.ts) and starts nothing.
 */
import { createTelemetry, parseOtlpConfig, type Telemetry } from '@trustmesh/telemetry';
import { isArgsError, parseArgv, type ArgsSpec } from '@trustmesh/args';
import { ConfigError } from '../errors';
import { JsonLogger, type Logger } from '../observe/logger';
import { SIDECAR_SERVICE_NAME } from '../observe/otel-export';
import { ControlError, describeError } from './errors';
import { preflight, toProblem, type PreflightProblem } from './preflight';
import { startControlledSidecar, type ControlledSidecar, type ControlOptions } from './start-control';

/** Usage text of the command. */
export const SIDECAR_USAGE =
  'usage: trustmesh sidecar --config FILE [--check]\n\n' +
  'Runs the mTLS sidecar described by FILE (YAML: serviceType, instanceId, signer, inbound, outbound, admin).\n' +
  'Logs are JSON lines on stdout. SIGTERM/SIGINT: stop accepting, drain, exit 0 (a second signal exits 1 at once).\n' +
  'Metrics: Prometheus text on the admin port (/metrics); OTLP/HTTP as the OTEL_* environment variables ask.\n' +
  '--check: validate FILE and the files it names (signer CA, token, key file mode and content) and the OTEL_* variables\n' +
  '  as a start would, then exit: nothing is started, nothing listens, nothing is written, the signer is not called\n' +
  '  (so ports in use and an unreachable signer are not detected). Prints one line on stdout when all is well, else\n' +
  '  one line per problem on stderr: `sidecar config FILE: <path>: <CODE>: <message>`.\n' +
  'exit codes: 0 clean stop, 1 could not start, 2 usage or configuration error;\n' +
  '  with --check: 0 valid, 1 problems found, 2 usage error';

/** Where the command writes and how it is stopped (tests). The telemetry is built here, from `env`. */
export interface RunSidecarOptions extends Omit<ControlOptions, 'telemetry' | 'caPem'> {
  /** Plain-text lines (usage, start failures, `--check` problems). Default: stderr. */
  err?: (text: string) => void;
  /** The `--check` result line. Default: stdout. */
  out?: (text: string) => void;
  /** Stops the sidecar when aborted. Default: SIGTERM / SIGINT of this process. */
  signal?: AbortSignal;
  /** Called once started (the routes may still be waiting for the first identity). */
  onStarted?: (s: ControlledSidecar) => void;
  /** Forced exit on a second signal. Default `process.exit`. */
  exit?: (code: number) => void;
}

/** The flags of `trustmesh sidecar` (parsed by @trustmesh/args). */
const SIDECAR_ARGS: ArgsSpec = {
  positionals: [],
  options: {
    config: { type: 'string', valueName: 'FILE', describe: 'the sidecar config (YAML)' },
    check: { type: 'boolean', describe: 'validate the config and the files it names, start nothing' },
    help: { type: 'boolean', short: 'h', describe: 'show this help' },
  },
};

/** What `trustmesh sidecar` was asked to do. */
export interface SidecarArgs {
  config: string;
  /** `--check`: validate, start nothing. */
  check: boolean;
}

/**
 * Parses `--config FILE` (or `--config=FILE`) and `--check`; `help` for `--help` / `-h`.
 * @throws ControlError ARGS_INVALID for unknown arguments, a missing, empty or repeated --config
 */
export function parseSidecarArgs(argv: readonly string[]): SidecarArgs | 'help' {
  let values: Readonly<Record<string, unknown>>;
  try {
    values = parseArgv(SIDECAR_ARGS, argv).values;
  } catch (err) {
    if (isArgsError(err)) throw new ControlError('ARGS_INVALID', err.message);
    throw err;
  }
  if (values.help === true) return 'help';
  const config = values.config as string | undefined;
  if (config === undefined) throw new ControlError('ARGS_INVALID', '--config is required');
  if (config === '') throw new ControlError('ARGS_INVALID', '--config needs a file');
  return { config, check: values.check === true };
}

/**
 * Runs the command. Resolves to the exit code: 0 after a clean stop, 2 for bad arguments, an
 * invalid config (every issue printed) or invalid `OTEL_*` settings (`OTEL_CONFIG_INVALID`), 1
 * when the sidecar cannot start (reason code printed). Of `env`, the environment as the process
 * entry read it, only the `OTEL_*` variables are consulted (see libs/telemetry's README); the
 * telemetry is flushed and shut down after the sidecar stops. With `--check`: see {@link runCheck}.
 */
export async function runSidecarCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  o: RunSidecarOptions = {},
): Promise<number> {
  const err = o.err ?? ((t: string) => process.stderr.write(t));
  let args: SidecarArgs | 'help';
  try {
    args = parseSidecarArgs(argv);
  } catch (e) {
    err(`trustmesh sidecar: ${line(e)}\n${SIDECAR_USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    err(`${SIDECAR_USAGE}\n`);
    return 0;
  }
  if (args.check) return runCheck(args.config, env, o.out ?? ((t: string) => process.stdout.write(t)), err);
  const logger: Logger = o.logger ?? new JsonLogger();
  let telemetry: Telemetry;
  let running: ControlledSidecar;
  try {
    telemetry = createTelemetry({ serviceName: SIDECAR_SERVICE_NAME, env });
  } catch (e) {
    err(`trustmesh sidecar: ${line(e)}\n`);
    return 2;
  }
  try {
    const checked = await preflight(args.config);
    if (checked.error || !checked.config) throw checked.error;
    running = await startControlledSidecar(checked.config, {
      ...o,
      logger,
      telemetry,
      ...(checked.caPem ? { caPem: checked.caPem } : {}),
    });
  } catch (e) {
    err(`trustmesh sidecar: ${line(e)}\n`);
    await telemetry.shutdown().catch(() => undefined);
    return e instanceof ConfigError ||
      (e as { code?: string }).code === 'CONFIG_UNREADABLE' ||
      (e as { code?: string }).code === 'KEY_FILE_INSECURE'
      ? 2
      : 1;
  }
  logger.log('info', 'sidecar_started', {
    admin: `${running.sidecar.admin.address.host}:${running.sidecar.admin.address.port}`,
  });
  o.onStarted?.(running);
  running.sidecar.listening.catch((e: unknown) => logger.log('error', 'listen_failed', describeError(e)));
  const stopped = await waitForStop(o.signal, logger, o.exit ?? ((c) => process.exit(c)));
  logger.log('info', 'signal', { signal: stopped });
  try {
    await running.shutdown();
    return 0;
  } catch (e) {
    logger.log('error', 'shutdown_failed', describeError(e));
    return 1;
  } finally {
    // Flushes a pending OTLP export; an unreachable collector does not change the exit code.
    await telemetry.shutdown().catch(() => undefined);
  }
}

/** Resolves with the signal name (or `abort`); a second signal forces `exit(1)`. */
function waitForStop(signal: AbortSignal | undefined, logger: Logger, exit: (code: number) => void): Promise<string> {
  return new Promise((resolve) => {
    if (signal) {
      if (signal.aborted) return resolve('abort');
      signal.addEventListener('abort', () => resolve('abort'), { once: true });
      return;
    }
    let first = true;
    const handler = (s: NodeJS.Signals) => {
      if (!first) {
        logger.log('warn', 'shutdown_forced', { signal: s });
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
        exit(1);
        return;
      }
      first = false;
      resolve(s);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

/**
 * `--check`: the preflight of a start plus what the first issuance reads (token file, key file
 * content) and the `OTEL_*` variables (libs/telemetry `parseOtlpConfig`, what `createTelemetry`
 * applies). Exit 0 with `sidecar config FILE: ok (type T, instance I, N inbound, M outbound
 * routes)` on `out`, or 1 with one `sidecar config FILE: <path>: <CODE>: <message>` line per
 * problem on `err`.
 */
async function runCheck(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  out: (t: string) => void,
  err: (t: string) => void,
): Promise<number> {
  const checked = await preflight(file, { issuance: true });
  const problems: PreflightProblem[] = [...checked.problems];
  try {
    parseOtlpConfig(env);
  } catch (e) {
    problems.push(toProblem('OTEL_*', e as Error));
  }
  const head = `sidecar config ${file}`;
  const c = checked.config;
  if (problems.length === 0 && c) {
    out(
      `${head}: ok (type ${c.serviceType}, instance ${c.instanceId}, ${c.inbound.length} inbound, ` +
        `${c.outbound.length} outbound route${c.outbound.length === 1 ? '' : 's'})\n`,
    );
    return 0;
  }
  for (const p of problems) err(`${head}: ${p.path}: ${p.code}: ${p.message}\n`);
  return 1;
}

function line(e: unknown): string {
  const d = describeError(e);
  const msg = e instanceof Error ? e.message : String(e);
  return [d.code, msg, d.detail && d.detail !== msg ? d.detail : undefined, d.reason ? `reason ${d.reason}` : undefined]
    .filter(Boolean)
    .join(': ');
}
