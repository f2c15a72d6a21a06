/**
 * `ca rotate` and `ca renew` as commands: the validated config becomes the plain values a
 * rotation step of @trustmesh/ca runs with; the step's result is printed (one line, or JSON
 * with `--json`). Errors propagate to the one mapping in cli-error.ts.
 */
import { runRotationStep, type StepContext, type StepResult } from '@trustmesh/ca';
import type { CliIo } from './command';
import type { CliConfig } from './config';
import { warnTo } from './output';

/** Runs `step` for `cfg.options.type` (audited under `action`) and prints its result; resolves to 0. */
export async function runRotationCommand(
  cfg: CliConfig<{ type: string; force: boolean }>,
  io: CliIo,
  action: string,
  step: (ctx: StepContext) => Promise<StepResult>,
): Promise<number> {
  const result = await runRotationStep(
    {
      dir: cfg.dir,
      type: cfg.options.type,
      now: cfg.now,
      force: cfg.options.force,
      ...(cfg.passphrase !== undefined ? { passphrase: cfg.passphrase } : {}),
      kdf: cfg.kdf,
      warn: warnTo(io),
    },
    action,
    step,
  );
  if (cfg.json)
    io.out(
      JSON.stringify({ action: result.action, noop: result.noop, message: result.message, ...result.details }, null, 2),
    );
  else io.out(result.message);
  return 0;
}
