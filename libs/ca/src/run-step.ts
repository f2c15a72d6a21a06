/**
 * Running one rotation step on a state directory: the state lock, the type check, clearing key
 * files of an interrupted earlier run, the step itself, and an audit record for every outcome
 * (ok, no-op, refused, failed). Output is the caller's (the CLI prints the result).
 */
import type { KdfParams } from '@trustmesh/keystore';
import { archiveOrphanKeys } from './key-archive';
import { LAYOUT } from './layout';
import { requireType } from './mesh-file';
import type { StepContext, StepHooks, StepResult } from './rotation-step';
import { auditCli, withState } from './session';
import type { Warn } from './warnings';

/** Refusals (the step judged it unsafe or out of order) are audited as `denied`, other failures as `error`. */
const DENIALS = new Set([
  'ROTATION_NOT_SAFE',
  'ROTATION_PHASE_INVALID',
  'TYPE_UNKNOWN',
  'KEY_PASSPHRASE_WRONG',
  'KEY_PASSPHRASE_REQUIRED',
]);

/** What a rotation step runs with: plain values read once by the caller. */
export interface StepRun {
  /** The state directory (absolute). */
  dir: string;
  /** The service type to rotate (must be in D/mesh.yaml; `platform` is refused: TYPE_UNKNOWN). */
  type: string;
  /** The one clock reading of this run. */
  now: Date;
  /** Run even when the safety check refuses. */
  force: boolean;
  /** Passphrase of D's key files; undefined for plaintext directories. */
  passphrase?: string;
  /** scrypt parameters for new key files. */
  kdf: KdfParams;
  warn: Warn;
  /** Fault injection for crash tests only (see {@link StepHooks}). */
  hooks?: StepHooks;
}

/**
 * Runs `step` for `run.type` under D/.lock and resolves to its result. A no-op re-run is
 * audited as `ok` with `noop: true` (a completed step audits itself in its transaction). Errors
 * (CaError, keystore, store) are audited under `action` and rethrown as they are; keystore
 * LOCKED when another init/ca command holds the lock.
 */
export function runRotationStep(
  run: StepRun,
  action: string,
  step: (ctx: StepContext) => Promise<StepResult>,
): Promise<StepResult> {
  return withState(run.dir, { lock: true }, async ({ dir, store, mesh }) => {
    const type = run.type;
    try {
      requireType(mesh, type, false);
      const moved = await archiveOrphanKeys(dir, store);
      if (moved.length > 0) {
        run.warn(
          `moved ${moved.length} key file(s) that no CA record names (left by an interrupted run) to ${LAYOUT.archive}/`,
        );
      }
      const result = await step({
        dir,
        store,
        mesh,
        type,
        now: run.now,
        warn: run.warn,
        force: run.force,
        ...(run.passphrase !== undefined ? { passphrase: run.passphrase } : {}),
        kdf: run.kdf,
        ...(run.hooks !== undefined ? { hooks: run.hooks } : {}),
      });
      if (result.noop) await auditCli(store, run.now, result.action, 'ok', { ...result.details, noop: true });
      return result;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const reason = typeof code === 'string' ? code : 'INTERNAL';
      const detail = (err as { detail?: unknown }).detail;
      await auditCli(
        store,
        run.now,
        action,
        DENIALS.has(reason) ? 'denied' : 'error',
        {
          serviceType: type,
          force: run.force,
          ...(typeof detail === 'string' ? { detail: detail.slice(0, 500) } : {}),
        },
        reason,
      ).catch(() => undefined); // the original error matters more than a failed audit append
      throw err;
    }
  });
}
