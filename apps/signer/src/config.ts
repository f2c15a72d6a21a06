import { isArgsError, parseArgv, type ArgsSpec } from '@trustmesh/args';
import {
  hostnameProblem,
  ipAddressProblem,
  isNameError,
  parseHostPort as parseAddress,
  type HostPort,
} from '@trustmesh/names';
import type { RateLimitOptions } from './rate-limit';
import { SignerError } from './errors';

export type { HostPort };

/** Tunables of the signer; every field has a default (see {@link DEFAULT_SIGNER_OPTIONS}). */
export interface SignerOptions {
  /** How often the store is polled for CA and bundle changes. */
  pollIntervalMs: number;
  /** A watch stream with no change re-sends the current bundle this often. */
  keepaliveMs: number;
  /** Bound on open WatchTrustBundle streams. */
  maxWatchStreams: number;
  /** Max gRPC message size, both directions. */
  maxMessageBytes: number;
  rateLimits: RateLimitOptions;
  /** Lifetime of the signer's own TLS serving certificate; renewed at 2/3 of it. */
  servingCertTtlSeconds: number;
  /** Extra SANs for the serving certificate (besides localhost, 127.0.0.1, ::1). */
  servingSans: { dns: string[]; ips: string[] };
  /**
   * Worker threads for the CPU-bound part of Sign (CSR parse + verify, policy, leaf signature);
   * 0 keeps it on the main thread, next to gRPC and the store.
   */
  cpuWorkers: number;
}

/** Defaults: 1 s poll, 30 s keepalive, 1000 streams, 64 KiB, 20/s per identity (burst 10), 5000/s overall, no CPU workers. */
export const DEFAULT_SIGNER_OPTIONS: SignerOptions = Object.freeze({
  pollIntervalMs: 1000,
  keepaliveMs: 30_000,
  maxWatchStreams: 1000,
  maxMessageBytes: 64 * 1024,
  rateLimits: { perIdentity: { perSecond: 20, burst: 10 }, overall: { perSecond: 5000, burst: 5000 } },
  servingCertTtlSeconds: 24 * 3600,
  servingSans: { dns: [], ips: [] },
  cpuWorkers: 0,
});

/** What `trustmesh signer` was asked to do, parsed once at the edge. */
export interface SignerCommandConfig {
  dir: string;
  listen: HostPort;
  adminListen?: HostPort;
  passphrase?: string;
  passphraseFile?: string;
  /**
   * SQLite durability (`--store-sync`): 'full' (default) fsyncs every commit, so an issued
   * certificate, a spent token and their audit record survive power loss; 'normal' fsyncs the
   * WAL only at checkpoints (a power cut may lose the last commits; a crash loses nothing).
   */
  storeSync: 'full' | 'normal';
  /** `--check`: validate arguments, state directory and key passphrase, start nothing. */
  check: boolean;
  options: SignerOptions;
}

export const SIGNER_USAGE =
  'usage: trustmesh signer --dir D --listen HOST:PORT [--admin-listen HOST:PORT] [--san NAME|IP]... ' +
  '[--passphrase-file F] [--rate-per-identity N] [--rate-overall N] [--poll-ms N] [--store-sync full|normal] [--workers N] [--check]\n' +
  '--check: validate the arguments, the state directory (opened read-only) and that the passphrase unlocks every key the ' +
  'signer would load (each active issuing intermediate, the platform one included), then exit: 0 all good (one line on stdout), ' +
  '1 problems (one line each on stderr: where, reason code, message), 2 usage error. Nothing is started or written and no port ' +
  'is bound, so a port already in use is not detected.';

const flag = (valueName: string, describe: string) => ({ type: 'string', valueName, describe }) as const;

/** The flags of `trustmesh signer` (parsed by @trustmesh/args: `--flag value` or `--flag=value`). */
const SIGNER_ARGS: ArgsSpec = {
  positionals: [],
  options: {
    dir: flag('D', 'state directory made by `trustmesh init`'),
    listen: flag('HOST:PORT', 'gRPC listener (port 0: any free port)'),
    'admin-listen': flag('HOST:PORT', 'health and metrics listener'),
    san: {
      type: 'string',
      multiple: true,
      valueName: 'NAME|IP',
      describe: 'extra SAN of the serving certificate (repeatable)',
    },
    'passphrase-file': flag('F', 'file whose first line is the key passphrase'),
    'rate-per-identity': flag('N', 'sign requests per second per identity'),
    'rate-overall': flag('N', 'sign requests per second overall'),
    'poll-ms': flag('N', 'store poll interval'),
    'store-sync': flag('full|normal', 'SQLite durability'),
    workers: flag('N', 'CPU worker threads (0-16)'),
    check: { type: 'boolean', describe: 'validate arguments, state directory and passphrase; start nothing' },
  },
};

/** One problem of a flag's value: the flag (`--listen`) and what is wrong, e.g. `x: expected HOST:PORT`. */
export interface ArgsIssue {
  flag: string;
  message: string;
}

/** The command line after validation: every valid value, and every problem. */
export interface SignerArgsInspection {
  /** The values that are valid; the whole config (every required flag present) when `issues` is empty. */
  config: Partial<SignerCommandConfig> & { check: boolean };
  issues: ArgsIssue[];
}

/**
 * Validates every flag of `trustmesh signer` and the environment (only TRUSTMESH_PASSPHRASE is
 * read here; OTEL_* are handed to telemetry), listing every bad or missing value (not only the
 * first). Throws SignerError ARGS_INVALID (with the usage) only when the command line cannot be
 * parsed at all: an unknown flag, a flag without its value, a repeated flag, a positional argument.
 */
export function inspectSignerArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SignerArgsInspection {
  let values: Readonly<Record<string, unknown>>;
  try {
    values = parseArgv(SIGNER_ARGS, argv).values;
  } catch (err) {
    if (isArgsError(err)) throw new SignerError('ARGS_INVALID', `${err.message}\n${SIGNER_USAGE}`);
    throw err;
  }
  const issues: ArgsIssue[] = [];
  const bad = (flagName: string, message: string): undefined => {
    issues.push({ flag: flagName, message });
    return undefined;
  };
  const one = (name: string): string | undefined => {
    const v = values[name] as string | undefined;
    return v === '' ? bad(`--${name}`, 'needs a value') : v;
  };
  const required = (name: string): string | undefined => {
    const v = one(name);
    return v === undefined && values[name] === undefined ? bad(`--${name}`, 'is required') : v;
  };
  const dir = required('dir');
  const listenText = required('listen');
  const listen = listenText === undefined ? undefined : hostPort('--listen', listenText, bad);

  const sans = { dns: [] as string[], ips: [] as string[] };
  for (const san of (values.san as readonly string[] | undefined) ?? []) {
    if (ipAddressProblem(san) === null) sans.ips.push(san);
    else if (hostnameProblem(san.toLowerCase()) === null) sans.dns.push(san.toLowerCase());
    else bad('--san', `${san}: not a DNS name or IP address`);
  }
  const defaults = DEFAULT_SIGNER_OPTIONS;
  const perIdentity = positive('--rate-per-identity', one('rate-per-identity'), bad);
  const overall = positive('--rate-overall', one('rate-overall'), bad);
  const options: SignerOptions = {
    ...defaults,
    pollIntervalMs: positive('--poll-ms', one('poll-ms'), bad) ?? defaults.pollIntervalMs,
    rateLimits: {
      perIdentity: perIdentity
        ? { perSecond: perIdentity, burst: Math.max(1, Math.ceil(perIdentity / 2)) }
        : defaults.rateLimits.perIdentity,
      overall: overall ? { perSecond: overall, burst: overall } : defaults.rateLimits.overall,
    },
    servingSans: sans,
    cpuWorkers: workerCount(one('workers'), bad) ?? defaults.cpuWorkers,
  };
  const storeSync = one('store-sync') ?? 'full';
  const adminText = one('admin-listen');
  const adminListen = adminText === undefined ? undefined : hostPort('--admin-listen', adminText, bad);
  const passphraseFile = one('passphrase-file');
  const config: SignerArgsInspection['config'] = {
    ...(dir !== undefined ? { dir } : {}),
    ...(listen ? { listen } : {}),
    ...(adminListen ? { adminListen } : {}),
    ...(passphraseFile ? { passphraseFile } : env.TRUSTMESH_PASSPHRASE ? { passphrase: env.TRUSTMESH_PASSPHRASE } : {}),
    check: values.check === true,
    options,
  };
  if (storeSync === 'full' || storeSync === 'normal') config.storeSync = storeSync;
  else bad('--store-sync', `${storeSync}: expected full or normal`);
  return { config, issues };
}

/**
 * Parses `trustmesh signer` arguments and the environment (see {@link inspectSignerArgs}).
 * Throws SignerError ARGS_INVALID naming every bad flag (see {@link argsError}).
 */
export function parseSignerArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SignerCommandConfig {
  const r = inspectSignerArgs(argv, env);
  if (r.issues.length > 0) throw argsError(r.issues);
  return r.config as SignerCommandConfig;
}

/**
 * The one SignerError ARGS_INVALID for `issues`: detail `--listen x: expected HOST:PORT (...);
 * --workers 99: ...`, followed by the usage when a required flag is missing.
 */
export function argsError(issues: readonly ArgsIssue[]): SignerError {
  const text = issues.map((i) => `${i.flag} ${i.message}`).join('; ');
  return new SignerError(
    'ARGS_INVALID',
    issues.some((i) => i.message === 'is required') ? `${text}\n${SIGNER_USAGE}` : text,
  );
}

/**
 * Parses a listener's `HOST:PORT` / `[V6]:PORT` by the grammar of libs/names (host: IPv4, DNS
 * name or bracketed IPv6; port 0 means "any free port"). Throws ARGS_INVALID naming `flag`.
 */
export function parseHostPort(flag: string, text: string): HostPort {
  const hp = hostPort(flag, text, (_flag, message) => {
    throw new SignerError('ARGS_INVALID', `${flag} ${message}`);
  });
  return hp as HostPort;
}

type Bad = (flag: string, message: string) => undefined;

/** `HOST:PORT` of a listener flag, or `undefined` after reporting the problem to `bad`. */
function hostPort(flag: string, text: string, bad: Bad): HostPort | undefined {
  try {
    return parseAddress(text, { allowPortZero: true });
  } catch (err) {
    if (isNameError(err)) return bad(flag, `${text}: expected HOST:PORT (${err.message})`);
    throw err;
  }
}

/** `--workers N`: an integer 0..16 (0 = sign on the main thread). */
function workerCount(text: string | undefined, bad: Bad): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 16) return bad('--workers', `${text}: expected an integer from 0 to 16`);
  return n;
}

function positive(flag: string, text: string | undefined, bad: Bad): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) return bad(flag, `${text}: expected a positive number`);
  return n;
}
