/**
 * Running one rotation step as a command: the state lock, the type check, clearing key files
 * of an interrupted earlier run, the step itself, its output, and an audit record for every
 * outcome (ok, no-op, refused, failed).
 */
import type { CliIo } from '../command';
import type { CliConfig } from '../config';
import { archiveOrphanKeys } from './key-archive';
import { requireType } from './mesh-file';
import type { StepContext, StepResult } from './rotation-step';
import { auditCli, withState } from './session';

/** Refusals (the step judged it unsafe or out of order) are audited as `denied`, other failures as `error`. */
const DENIALS = new Set(['ROTATION_NOT_SAFE', 'ROTATION_PHASE_INVALID', 'TYPE_UNKNOWN', 'KEY_PASSPHRASE_WRONG', 'KEY_PASSPHRASE_REQUIRED']);

/**
 * Runs `step` for `cfg.options.type` under D/.lock. Prints the step's message (or JSON with
 * `--json`); resolves to 0. Errors are audited under `action` and rethrown as they are.
 */
export function runRotationStep(cfg: CliConfig<{ type: string; force: boolean }>, io: CliIo, action: string,
  step: (ctx: StepContext) => Promise<StepResult>): Promise<number> {
  return withState(cfg.dir, { lock: true }, async ({ dir, store, mesh }) => {
    const type = cfg.options.type;
    let result: StepResult;
    try {
      requireType(mesh, type, false);
      const moved = await archiveOrphanKeys(dir, store);
      if (moved.length > 0) {
        io.err(`trustmesh: warning: moved ${moved.length} key file(s) that no CA record names (left by an interrupted run) to offline/archive/`);
      }
      result = await step({ dir, store, mesh, type, now: cfg.now, io, force: cfg.options.force,
        ...(cfg.passphrase !== undefined ? { passphrase: cfg.passphrase } : {}), kdf: cfg.kdf,
        ...(cfg.crashAfter !== undefined ? { crashAfter: cfg.crashAfter } : {}) });
      if (result.noop) await auditCli(store, cfg.now, result.action, 'ok', { ...result.details, noop: true });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const reason = typeof code === 'string' ? code : 'INTERNAL';
      const detail = (err as { detail?: unknown }).detail;
      await auditCli(store, cfg.now, action, DENIALS.has(reason) ? 'denied' : 'error',
        { serviceType: type, force: cfg.options.force, ...(typeof detail === 'string' ? { detail: detail.slice(0, 500) } : {}) }, reason)
        .catch(() => undefined); // the original error matters more than a failed audit append
      throw err;
    }
    if (cfg.json) io.out(JSON.stringify({ action: result.action, noop: result.noop, message: result.message, ...result.details }, null, 2));
    else io.out(result.message);
    return 0;
  });
}
