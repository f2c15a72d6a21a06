/**
 * `--rotate TYPE`: a live root rotation of one type through the real CLI while traffic flows:
 * `trustmesh ca rotate TYPE --root --phase prepare`, then `activate` (re-tried while the signer
 * refuses because sidecars have not all adopted the new bundle), then `retire` (re-tried while
 * leaves under the old root are still valid, or a fallback involving the type was reported in the
 * last 30 s). Never `--force`: the demo shows the safe path.
 */
import { DemoError } from './demo-error';
import { childEnv, REPO_ROOT, TRUSTMESH_BIN, type RunningMesh } from './mesh';
import { runCli } from './demo-state';

/** Seconds of steady traffic before the rotation starts. */
const SETTLE_MS = 10_000;
/** Renew-before window given to `activate`: the type's sidecars renew at random inside it. */
const WINDOW = '20s';
/** Re-try intervals and bounds of the refusable phases. */
const RETRY_MS = 3_000;
const ACTIVATE_LIMIT_MS = 90_000;
const RETIRE_LIMIT_MS = 180_000;
/** retire's `--since`: how long no fallback involving the type may have been reported. */
const QUIET = '30s';

/** True when this build's CLI has `trustmesh ca rotate` (exit 0 on `--help`). */
export async function rotationAvailable(): Promise<boolean> {
  const r = await runCli(TRUSTMESH_BIN, ['ca', 'rotate', '--help'], REPO_ROOT, childEnv());
  return r.code === 0 && r.stdout.includes('--phase');
}

/**
 * Runs prepare → activate → retire for `type`, reporting each phase through `onPhase`; web's
 * direct attempts on db are paused through `setProbe` during retire. Resolves true when all three
 * phases are done, false when `cancelled()` turned true first (stopped without error).
 * @throws DemoError ROTATION_FAILED when a phase fails for a reason other than a safety refusal,
 *   or a refusal outlasts its bound
 */
export async function runRotation(
  mesh: RunningMesh,
  type: string,
  onPhase: (phase: string) => void,
  cancelled: () => boolean,
  setProbe: (enabled: boolean) => void = () => undefined,
): Promise<boolean> {
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  onPhase(`waiting ${SETTLE_MS / 1000}s of steady traffic`);
  await sleep(SETTLE_MS);
  const base = ['ca', 'rotate', type, '--root', '--dir', mesh.paths.state];
  const phases: { phase: string; extra: string[]; limitMs: number }[] = [
    { phase: 'prepare', extra: [], limitMs: 0 },
    { phase: 'activate', extra: ['--window', WINDOW], limitMs: ACTIVATE_LIMIT_MS },
    { phase: 'retire', extra: ['--since', QUIET], limitMs: RETIRE_LIMIT_MS },
  ];
  for (const p of phases) {
    // web's refused attempts on db are fallbacks "involving db"; retire rightly waits until none
    // was reported for --since, so the demo pauses them for the retire phase.
    if (p.phase === 'retire') setProbe(false);
    const deadline = Date.now() + p.limitMs;
    let waitingFor = '';
    for (let attempt = 1; ; attempt++) {
      if (cancelled()) return false;
      onPhase(`${p.phase}${attempt > 1 ? ` (attempt ${attempt}, refused until safe: ${waitingFor})` : ''}`);
      const r = await runCli(TRUSTMESH_BIN, [...base, '--phase', p.phase, ...p.extra], REPO_ROOT, childEnv());
      if (r.code === 0) break;
      const last = r.stderr.trim().split('\n').pop() ?? '';
      waitingFor = last.replace(/^trustmesh: ROTATION_NOT_SAFE: /, '').slice(0, 140);
      // A safety refusal (sidecars not caught up, old leaves still valid) is waited out; anything else is a failure.
      if (!/ROTATION_NOT_SAFE/.test(last) || Date.now() > deadline)
        throw new DemoError('ROTATION_FAILED', `${p.phase}: ${last}`);
      await sleep(RETRY_MS);
    }
    onPhase(`${p.phase} done`);
  }
  setProbe(true);
  onPhase(`${type}'s root rotated: prepare, activate, retire done with traffic flowing`);
  return true;
}
