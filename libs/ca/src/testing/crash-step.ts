/**
 * Test-only script: runs one rotation step on a state directory and dies like a power cut at a
 * fault-injection point, so a crash test can prove that the real `trustmesh` command recovers
 * when it re-runs the step. Never used by the product; started as a child process by
 * apps/cli/src/e2e/rotation-bad-input.e2e.ts:
 *
 *   node tools/scripts/run-ts.js libs/ca/src/testing/crash-step.ts \
 *     --dir D --type T --step prepare|intermediate|retire --crash-after keys|store --passphrase-file F
 *
 * At the point it sends itself SIGKILL: no cleanup, no lock release, no audit record. Exit 2 for
 * bad arguments; exit 3 (with the reason on stderr) when the step ended without reaching the
 * point, e.g. because it failed or was already done. New keys use FAST_KDF (tests only).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FAST_KDF } from '@trustmesh/keystore';
import { preparePhase, retirePhase } from '../rotate-root';
import { rotateIntermediate } from '../rotate-ca';
import type { StepContext, StepHooks, StepResult } from '../rotation-step';
import { runRotationStep } from '../run-step';

/** The steps this script can crash, their audit action, and their crash points. */
const STEPS: Record<
  string,
  { action: string; run: (ctx: StepContext) => Promise<StepResult>; points: readonly string[] }
> = {
  prepare: { action: 'ca.rotate.prepare', run: preparePhase, points: ['keys'] },
  intermediate: { action: 'ca.rotate.intermediate', run: rotateIntermediate, points: ['keys'] },
  retire: { action: 'ca.rotate.retire', run: (ctx) => retirePhase(ctx, { sinceSeconds: 600 }), points: ['store'] },
};

function fail(code: number, text: string): never {
  process.stderr.write(`crash-step: ${text}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      options: {
        dir: { type: 'string' },
        type: { type: 'string' },
        step: { type: 'string' },
        'crash-after': { type: 'string' },
        'passphrase-file': { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    return fail(2, (err as Error).message);
  }
  const { dir, type, step: stepName } = values;
  const point = values['crash-after'];
  const passFile = values['passphrase-file'];
  if (
    typeof dir !== 'string' ||
    typeof type !== 'string' ||
    typeof stepName !== 'string' ||
    typeof point !== 'string' ||
    typeof passFile !== 'string'
  ) {
    return fail(2, 'needs --dir, --type, --step, --crash-after and --passphrase-file');
  }
  const step = STEPS[stepName];
  if (!step) return fail(2, `--step must be ${Object.keys(STEPS).join(', ')}`);
  if (!step.points.includes(point)) return fail(2, `--crash-after for ${stepName} must be ${step.points.join(' or ')}`);
  const die = (): void => {
    process.kill(process.pid, 'SIGKILL');
  };
  const hooks: StepHooks = point === 'keys' ? { afterKeys: die } : { afterStore: die };
  const passphrase = readFileSync(passFile, 'utf8').split(/\r?\n/)[0];
  try {
    const r = await runRotationStep(
      {
        dir,
        type,
        now: new Date(),
        force: false,
        passphrase,
        kdf: FAST_KDF,
        warn: (text) => process.stderr.write(`crash-step: warning: ${text}\n`),
        hooks,
      },
      step.action,
      step.run,
    );
    fail(3, `the step ended without reaching '${point}': ${r.message}`);
  } catch (err) {
    fail(3, `the step failed before '${point}': ${(err as Error).message}`);
  }
}

void main();
