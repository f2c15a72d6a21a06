/**
 * `trustmesh signer --check`: every check a start makes before it binds a port, run on its own
 * and reporting every problem instead of stopping at the first. Nothing is started, bound,
 * written or called over the network. Each check is the start's own code:
 *  - the flags ({@link inspectSignerArgs}, the parser of a start) and `--passphrase-file`;
 *  - the `OTEL_*` variables (libs/telemetry `parseOtlpConfig`, which `createTelemetry` applies);
 *  - the state directory through libs/ca's reader, the one a start opens, here read-only: not
 *    initialized, mesh file, store (corrupt, foreign), trust-domain mismatch;
 *  - the key of every active issuing intermediate, loaded through the issuer pool as a start
 *    loads them (wrong or missing passphrase, missing or corrupt key file);
 *  - the serving certificate a start issues from the platform intermediate, minted in memory and
 *    dropped (no platform intermediate: NO_ACTIVE_CA; an expired one: the pki error).
 * Not checked: whether the listen addresses can be bound (a port in use is found by a start only).
 */
import { inspectStateReader, PLATFORM_TYPE, type StateReader } from '@trustmesh/ca';
import { formatHostPort } from '@trustmesh/names';
import type { CaRecord } from '@trustmesh/store';
import { parseOtlpConfig } from '@trustmesh/telemetry';
import { readSnapshot } from './ca-snapshot';
import { DEFAULT_SIGNER_OPTIONS, type SignerArgsInspection, type SignerOptions } from './config';
import { SignerError } from './errors';
import { IssuerPool, issuingCas } from './issuer-pool';
import { readPassphraseFile } from './passphrase-file';
import { mintServingLeaf } from './serving-cert';
import { stateKeyLoader } from './state-keys';

/** One problem: where (a flag, a key file under D, `OTEL_*`), its stable reason code, a message. */
export interface CheckProblem {
  where: string;
  code: string;
  message: string;
}

/** The outcome of {@link checkSigner}: every problem, or what was checked when there is none. */
export interface SignerCheck {
  problems: CheckProblem[];
  /** What was checked (set when `problems` is empty), e.g. `trust domain example.test, 4 issuing CAs unlocked: ...`. */
  summary?: string;
}

/**
 * Runs every check on the inspected arguments. Checks that depend on a failed one are skipped
 * (no key is tried without a readable passphrase file, nothing in D without `--dir` or a store);
 * independent ones all run. `now` is the clock reading the serving certificate is minted at.
 */
export async function checkSigner(
  args: SignerArgsInspection,
  env: Readonly<Record<string, string | undefined>>,
  now: Date,
): Promise<SignerCheck> {
  const problems: CheckProblem[] = args.issues.map((i) => ({
    where: i.flag,
    code: 'ARGS_INVALID',
    message: i.message,
  }));
  const add = (where: string, err: unknown): void => {
    problems.push({ where, ...codeAndMessage(err) });
  };
  try {
    parseOtlpConfig(env);
  } catch (err) {
    add('OTEL_*', err);
  }
  const cfg = args.config;
  let passphrase = cfg.passphrase;
  let passphraseOk = true;
  if (cfg.passphraseFile) {
    const read = readPassphraseFile(cfg.passphraseFile);
    if ('issue' in read) {
      passphraseOk = false;
      problems.push({ where: read.issue.flag, code: 'ARGS_INVALID', message: read.issue.message });
    } else passphrase = read.passphrase;
  }
  if (cfg.dir === undefined) return { problems };
  const opened = await inspectStateReader(cfg.dir, { readonly: true });
  for (const err of opened.problems) add('--dir', err);
  if (!opened.reader) return { problems };
  try {
    const unlocked = passphraseOk
      ? await checkKeys(opened.reader, passphrase, cfg.options ?? DEFAULT_SIGNER_OPTIONS, now, add)
      : undefined;
    if (problems.length > 0 || !unlocked) return { problems };
    const types = [...new Set(unlocked)].sort();
    const listen = [
      cfg.listen && `--listen ${formatHostPort(cfg.listen)}`,
      cfg.adminListen && `--admin-listen ${formatHostPort(cfg.adminListen)}`,
    ].filter(Boolean);
    return {
      problems,
      summary:
        `trust domain ${opened.reader.mesh.trustDomain}, ${unlocked.length} issuing CA key${unlocked.length === 1 ? '' : 's'} unlocked ` +
        `(${types.join(', ')}), serving certificate minted; ${listen.join(', ')} not bound (ports are not checked)`,
    };
  } finally {
    await opened.reader.store.close();
  }
}

/**
 * Loads every active intermediate's key and mints the serving certificate from the platform one.
 * Resolves to the service type of each CA whose key was unlocked.
 */
async function checkKeys(
  state: StateReader,
  passphrase: string | undefined,
  o: Pick<SignerOptions, 'servingCertTtlSeconds' | 'servingSans'>,
  now: Date,
  add: (where: string, err: unknown) => void,
): Promise<string[]> {
  let intermediates: CaRecord[];
  try {
    intermediates = (await readSnapshot(state.store)).intermediates;
  } catch (err) {
    add('--dir', err);
    return [];
  }
  const { loaded, failures } = await new IssuerPool(stateKeyLoader(state, passphrase)).load(intermediates);
  for (const f of failures) add(`${f.ca.keyRef} (${f.ca.serviceType} intermediate)`, f.error);
  const issuing = issuingCas(intermediates);
  const platform = issuing.get(PLATFORM_TYPE);
  if (!platform)
    add(
      '--dir',
      new SignerError('NO_ACTIVE_CA', `${PLATFORM_TYPE}: no active intermediate to issue the serving certificate`),
    );
  const platformIssuer = platform && loaded.get(platform.id);
  if (platformIssuer) {
    try {
      mintServingLeaf({
        issuer: platformIssuer.issuer,
        mesh: state.mesh,
        now,
        ttlSeconds: o.servingCertTtlSeconds,
        extraSans: o.servingSans,
      });
    } catch (err) {
      add(`serving certificate (${PLATFORM_TYPE} intermediate ${platform.id})`, err);
    }
  }
  return intermediates.filter((ca) => loaded.has(ca.id)).map((ca) => ca.serviceType);
}

/** The stable code and the message (with its detail) of a typed error of any of our libraries. */
function codeAndMessage(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown; detail?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : 'UNEXPECTED';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const detail = typeof e?.detail === 'string' && !message.includes(e.detail) ? e.detail : undefined;
  return { code, message: detail ? `${message}: ${detail}` : message };
}
