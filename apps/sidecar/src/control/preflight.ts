/**
 * Everything `trustmesh sidecar` checks before it touches the network, in one place: a start
 * runs it and refuses on the first problem of a kind it refuses on; `--check` runs it with the
 * checks of the first issuance added and reports every problem. Nothing here listens, dials or
 * writes. In order:
 *  1. the config file is read (`CONFIG_UNREADABLE`) and validated (every issue with its path and
 *     code: `INSTANCE_ID_INVALID`, `ADDRESS_INVALID`, `UNKNOWN_FIELD`, ...);
 *  2. `keyFile`, when it exists, is mode 0600 (`KEY_FILE_INSECURE`);
 *  3. `signer.caFile` is readable and holds X.509 certificates (`CA_FILE_UNREADABLE`);
 *  4. only with `issuance` — what the first issuance reads, which a start does not wait for (it
 *     re-reads them on every attempt, so they can be fixed without a restart):
 *     `signer.tokenFile` holds a token (`TOKEN_UNREADABLE`), and an existing `keyFile` holds a
 *     P-256 key (`KEY_FILE_FAILED`).
 * The file checks run on every file name that is valid, even when other fields are not.
 */
import { hostname } from 'node:os';
import { checkKeyFileMode, readConfigText } from '../config/load-config';
import { inspectConfig } from '../config/parse-config';
import type { SidecarConfig } from '../config/types';
import { ConfigError } from '../errors';
import { describeError } from './errors';
import { readKeyPair } from './key-source';
import { readSignerCa } from './signer-ca';
import { readTokenFile } from './token-file';

/** Options of {@link preflight}. */
export interface PreflightOptions {
  /** Also check what the first issuance reads: the token file and the key file's content. Default false. */
  issuance?: boolean;
  /** Host name for the `instanceId` default. Default: this machine's. */
  hostname?: string;
}

/** One problem: where (a config path such as `inbound[0].listen`, or `--config`), its stable code, a message. */
export interface PreflightProblem {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** The outcome of {@link preflight}. */
export interface Preflight {
  /** The validated config (absent when the file is unreadable or invalid). */
  readonly config?: SidecarConfig;
  /** The signer CA PEM, read and checked (absent when it is not usable). */
  readonly caPem?: Buffer;
  /** Every problem, in the order above; a config issue is one problem each. */
  readonly problems: readonly PreflightProblem[];
  /**
   * The error a start refuses with: the first one found (a ConfigError carries every config
   * issue). Undefined when there is none.
   */
  readonly error?: Error;
}

/** Runs the checks on the config file at `path`; never throws for what it checks. */
export async function preflight(path: string, o: PreflightOptions = {}): Promise<Preflight> {
  const problems: PreflightProblem[] = [];
  let error: Error | undefined;
  const add = (where: string, err: Error): void => {
    error ??= err;
    if (err instanceof ConfigError)
      for (const i of err.issues) problems.push({ path: i.path, code: i.code, message: i.message });
    else problems.push(toProblem(where, err));
  };
  const attempt = async <T>(where: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      add(where, err as Error);
      return undefined;
    }
  };

  const text = await attempt('--config', () => readConfigText(path));
  if (text === undefined) return { problems, ...(error ? { error } : {}) };
  const inspected = inspectConfig(text, { hostname: o.hostname ?? hostname() });
  if (!inspected.config) add('(config)', new ConfigError(inspected.issues));
  const { caFile, tokenFile, keyFile } = inspected.files;
  if (keyFile !== undefined) await attempt('keyFile', () => checkKeyFileMode(keyFile));
  const caPem = caFile === undefined ? undefined : await attempt('signer.caFile', () => readSignerCa(caFile));
  if (o.issuance) {
    if (tokenFile !== undefined) await attempt('signer.tokenFile', () => readTokenFile(tokenFile));
    if (keyFile !== undefined) await attempt('keyFile', () => readKeyPair(keyFile));
  }
  return {
    ...(inspected.config ? { config: inspected.config } : {}),
    ...(caPem ? { caPem } : {}),
    problems,
    ...(error ? { error } : {}),
  };
}

/** A typed error as one problem at `path`: its code, its fixed message and its detail. */
export function toProblem(path: string, err: Error): PreflightProblem {
  const d = describeError(err);
  return {
    path,
    code: d.code,
    message: d.detail && d.detail !== err.message ? `${err.message}: ${d.detail}` : err.message,
  };
}
