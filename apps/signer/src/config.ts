import { isArgsError, parseArgv, type ArgsSpec } from '@trustmesh/args';
import { hostnameProblem, ipAddressProblem, isNameError, parseHostPort as parseAddress, type HostPort } from '@trustmesh/names';
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
  options: SignerOptions;
}

export const SIGNER_USAGE =
  'usage: trustmesh signer --dir D --listen HOST:PORT [--admin-listen HOST:PORT] [--san NAME|IP]... ' +
  '[--passphrase-file F] [--rate-per-identity N] [--rate-overall N] [--poll-ms N] [--store-sync full|normal] [--workers N]';

const flag = (valueName: string, describe: string) => ({ type: 'string', valueName, describe }) as const;

/** The flags of `trustmesh signer` (parsed by @trustmesh/args: `--flag value` or `--flag=value`). */
const SIGNER_ARGS: ArgsSpec = {
  positionals: [],
  options: {
    dir: flag('D', 'state directory made by `trustmesh init`'),
    listen: flag('HOST:PORT', 'gRPC listener (port 0: any free port)'),
    'admin-listen': flag('HOST:PORT', 'health and metrics listener'),
    san: { type: 'string', multiple: true, valueName: 'NAME|IP', describe: 'extra SAN of the serving certificate (repeatable)' },
    'passphrase-file': flag('F', 'file whose first line is the key passphrase'),
    'rate-per-identity': flag('N', 'sign requests per second per identity'),
    'rate-overall': flag('N', 'sign requests per second overall'),
    'poll-ms': flag('N', 'store poll interval'),
    'store-sync': flag('full|normal', 'SQLite durability'),
    workers: flag('N', 'CPU worker threads (0-16)'),
  },
};

/**
 * Parses `trustmesh signer` arguments and the environment (only TRUSTMESH_PASSPHRASE is read
 * here; OTEL_* are handed to telemetry). Throws SignerError ARGS_INVALID naming the bad flag.
 */
export function parseSignerArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): SignerCommandConfig {
  let values: Readonly<Record<string, unknown>>;
  try {
    values = parseArgv(SIGNER_ARGS, argv).values;
  } catch (err) {
    if (isArgsError(err)) throw new SignerError('ARGS_INVALID', `${err.message}\n${SIGNER_USAGE}`);
    throw err;
  }
  const one = (name: string): string | undefined => {
    const v = values[name] as string | undefined;
    if (v === '') throw new SignerError('ARGS_INVALID', `--${name} needs a value`);
    return v;
  };
  const dir = one('dir');
  const listen = one('listen');
  if (!dir) throw new SignerError('ARGS_INVALID', `--dir is required\n${SIGNER_USAGE}`);
  if (!listen) throw new SignerError('ARGS_INVALID', `--listen is required\n${SIGNER_USAGE}`);

  const sans = { dns: [] as string[], ips: [] as string[] };
  for (const san of (values.san as readonly string[] | undefined) ?? []) {
    if (ipAddressProblem(san) === null) sans.ips.push(san);
    else if (hostnameProblem(san.toLowerCase()) === null) sans.dns.push(san.toLowerCase());
    else throw new SignerError('ARGS_INVALID', `--san ${san}: not a DNS name or IP address`);
  }
  const defaults = DEFAULT_SIGNER_OPTIONS;
  const perIdentity = positive('--rate-per-identity', one('rate-per-identity'));
  const overall = positive('--rate-overall', one('rate-overall'));
  const options: SignerOptions = {
    ...defaults,
    pollIntervalMs: positive('--poll-ms', one('poll-ms')) ?? defaults.pollIntervalMs,
    rateLimits: {
      perIdentity: perIdentity ? { perSecond: perIdentity, burst: Math.max(1, Math.ceil(perIdentity / 2)) } : defaults.rateLimits.perIdentity,
      overall: overall ? { perSecond: overall, burst: overall } : defaults.rateLimits.overall,
    },
    servingSans: sans,
    cpuWorkers: workerCount(one('workers')) ?? defaults.cpuWorkers,
  };
  const storeSync = one('store-sync') ?? 'full';
  if (storeSync !== 'full' && storeSync !== 'normal') throw new SignerError('ARGS_INVALID', `--store-sync ${storeSync}: expected full or normal`);
  const adminListen = one('admin-listen');
  const passphraseFile = one('passphrase-file');
  return {
    dir,
    listen: parseHostPort('--listen', listen),
    ...(adminListen ? { adminListen: parseHostPort('--admin-listen', adminListen) } : {}),
    ...(passphraseFile ? { passphraseFile } : env.TRUSTMESH_PASSPHRASE ? { passphrase: env.TRUSTMESH_PASSPHRASE } : {}),
    storeSync,
    options,
  };
}

/**
 * Parses a listener's `HOST:PORT` / `[V6]:PORT` by the grammar of libs/names (host: IPv4, DNS
 * name or bracketed IPv6; port 0 means "any free port"). Throws ARGS_INVALID naming `flag`.
 */
export function parseHostPort(flag: string, text: string): HostPort {
  try {
    return parseAddress(text, { allowPortZero: true });
  } catch (err) {
    if (isNameError(err)) throw new SignerError('ARGS_INVALID', `${flag} ${text}: expected HOST:PORT (${err.message})`);
    throw err;
  }
}

/** `--workers N`: an integer 0..16 (0 = sign on the main thread). */
function workerCount(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 16) throw new SignerError('ARGS_INVALID', `--workers ${text}: expected an integer from 0 to 16`);
  return n;
}

function positive(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new SignerError('ARGS_INVALID', `${flag} ${text}: expected a positive number`);
  return n;
}
