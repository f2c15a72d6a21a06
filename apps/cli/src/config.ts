/**
 * The edge: argv and the environment become one frozen, typed config, once. Nothing else in
 * the CLI reads `process.env`. Every bad field is collected and reported in a single
 * CONFIG_INVALID error (exit 2), named by its flag or variable.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_KDF, FAST_KDF, type KdfParams } from '@trustmesh/keystore';
import type { ArgsSpec, OptionSpec, ParsedArgs } from '@trustmesh/args';
import { CliError } from './cli-error';

/** Environment variables the CLI reads (only here). */
export interface CliEnv {
  /** Passphrase of the key files when no --passphrase-file is given. */
  TRUSTMESH_PASSPHRASE?: string;
  /** `fast`: scrypt N=2^10 for new key files — tests only, the CLI warns. Default: N=2^16. */
  TRUSTMESH_KDF?: string;
}

/** Settings shared by the commands; a command's own settings live in `CliConfig.options`. */
export interface CommonConfig {
  /** Absolute state directory (`--dir`, default ./state). */
  readonly dir: string;
  /** `--json`: machine-readable output on stdout. */
  readonly json: boolean;
  /** The one clock reading of this run. */
  readonly now: Date;
  /** From `--passphrase-file` (first line) or TRUSTMESH_PASSPHRASE; undefined when neither is set. */
  readonly passphrase?: string;
  /** scrypt parameters for new key files. */
  readonly kdf: KdfParams;
  /** `--insecure-plaintext-keys` (init only): plain PKCS#8 key files. */
  readonly insecurePlaintextKeys: boolean;
  /** Warnings to print on stderr before the command runs. */
  readonly warnings: readonly string[];
  /** A fresh clock reading, for the few commands that run over time (`status --watch`). */
  readonly clock: () => Date;
}

/** A bad field: `where` is the flag, argument or variable name. */
export interface ConfigIssue {
  where: string;
  message: string;
}

/** The full config of one run: common settings plus the command's own validated options. */
export type CliConfig<T> = CommonConfig & { readonly options: Readonly<T> };

/** What a command's `configure` may consult besides its own flags. */
export interface ConfigureContext {
  passphrase?: string;
  insecurePlaintextKeys: boolean;
}

/** Common options, declared by the commands that take them. */
export const COMMON_OPTIONS = {
  dir: { type: 'string', valueName: 'DIR', describe: 'state directory (default ./state)' },
  json: { type: 'boolean', describe: 'machine-readable JSON on stdout' },
  'passphrase-file': {
    type: 'string',
    valueName: 'FILE',
    describe: 'file whose first line is the key passphrase (else env TRUSTMESH_PASSPHRASE)',
  },
} as const satisfies Record<string, OptionSpec>;

const MAX_PASSPHRASE_FILE_BYTES = 4096;

/**
 * Builds the frozen config. `configure` validates the command's own values and pushes issues.
 * Throws CliError CONFIG_INVALID listing every issue when any field is bad.
 */
export function buildConfig<T>(
  spec: ArgsSpec,
  args: ParsedArgs,
  env: CliEnv,
  now: Date,
  configure: (args: ParsedArgs, issues: ConfigIssue[], common: ConfigureContext) => T,
  clock: () => Date = () => now,
): CliConfig<T> {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const v = args.values;
  const dirText = typeof v.dir === 'string' ? v.dir : './state';
  if (dirText.trim() === '') issues.push({ where: '--dir', message: 'must not be empty' });
  const passphrase = readPassphrase(spec, v['passphrase-file'], env, issues);
  // Validated for every command, but only commands that write keys have anything to warn about.
  const kdf = kdfFromEnv(env.TRUSTMESH_KDF, issues, 'passphrase-file' in spec.options ? warnings : []);
  const insecurePlaintextKeys = v['insecure-plaintext-keys'] === true;
  if (insecurePlaintextKeys) {
    warnings.push('--insecure-plaintext-keys: CA keys are written UNENCRYPTED; development only, never in production');
  }
  const options = configure(args, issues, { passphrase, insecurePlaintextKeys });
  if (issues.length > 0) {
    throw new CliError('CONFIG_INVALID', issues.map((i) => `${i.where}: ${i.message}`).join('; '));
  }
  return deepFreeze({
    dir: resolve(dirText),
    json: v.json === true,
    now,
    passphrase,
    kdf,
    insecurePlaintextKeys,
    warnings,
    options,
    clock,
  });
}

function readPassphrase(spec: ArgsSpec, file: unknown, env: CliEnv, issues: ConfigIssue[]): string | undefined {
  if (typeof file === 'string') {
    try {
      if (statSync(file).size > MAX_PASSPHRASE_FILE_BYTES) {
        issues.push({ where: '--passphrase-file', message: 'larger than 4 KiB' });
        return undefined;
      }
      // First line only: a trailing newline from `echo` must not become part of the passphrase.
      const text = readFileSync(file, 'utf8').split(/\r?\n/)[0];
      if (text === '') issues.push({ where: '--passphrase-file', message: 'first line is empty' });
      return text;
    } catch (err) {
      issues.push({
        where: '--passphrase-file',
        message: `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      });
      return undefined;
    }
  }
  if (!('passphrase-file' in spec.options)) return undefined;
  const fromEnv = env.TRUSTMESH_PASSPHRASE;
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

function kdfFromEnv(value: string | undefined, issues: ConfigIssue[], warnings: string[]): KdfParams {
  if (value === undefined || value === '' || value === 'default') return DEFAULT_KDF;
  if (value === 'fast') {
    warnings.push('TRUSTMESH_KDF=fast: key files get a weak KDF (scrypt N=2^10); tests only');
    return FAST_KDF;
  }
  issues.push({ where: 'TRUSTMESH_KDF', message: `must be 'fast' or 'default', got '${value}'` });
  return DEFAULT_KDF;
}

/** Freezes an object graph (Dates are left as they are: they are values of this run). */
export function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !(o instanceof Date) && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}
