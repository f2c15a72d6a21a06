/**
 * Test helper of the libs/ca specs: a real state directory made by `initState` in a temp
 * directory (real SQLite store, key files under FAST_KDF — tests only; keys are generated per
 * run, never committed), and rotation steps run on it in-process with collected warnings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST_KDF } from '@trustmesh/keystore';
import { parseMeshConfig, type MeshConfig } from '@trustmesh/policy';
import type { Store } from '@trustmesh/store';
import type { Protection } from '../ca-factory';
import { initState, type InitResult } from '../init-state';
import type { StepContext, StepHooks, StepResult } from '../rotation-step';
import { runRotationStep } from '../run-step';
import { withStateStore } from './state-store';

/** Passphrase of the test key files. */
export const TEST_PASSPHRASE = 'libs/ca test passphrase';

/** The clock reading the tests start from (a fixed instant: no wall clock in assertions). */
export const T0 = new Date('2030-01-01T00:00:00Z');

/** web → api → db: a root rotation of api concerns the sidecars of all three types. */
export const TEST_MESH_YAML = `trustDomain: example.test
types:
  web: { dials: [api] }
  api: { accepts: [web], dials: [db] }
  db: { accepts: [api] }
  cron: {}
`;

/** A fresh temp directory; `cleanup` removes it. */
export function tempDir(prefix = 'tm-ca-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The protection of the test key files: encrypted under FAST_KDF, or plaintext. */
export function testProtection(kind: 'encrypted' | 'plaintext' = 'encrypted'): Protection {
  return kind === 'plaintext'
    ? { kind: 'plaintext' }
    : { kind: 'encrypted', passphrase: TEST_PASSPHRASE, kdf: FAST_KDF };
}

/** An initialized state directory and ways to act on it. */
export interface TempState {
  /** The state directory (inside `base`). */
  readonly dir: string;
  /** The temp directory around it, for other files of a test. */
  readonly base: string;
  readonly mesh: MeshConfig;
  readonly init: InitResult;
  /** Every warning the steps reported, in order. */
  readonly warnings: string[];
  /**
   * Runs one rotation step of `type` through runRotationStep (lock, type check, orphan keys,
   * audit) at `now` (default T0) with the test passphrase (`passphrase: null` for none).
   */
  run(
    type: string,
    action: string,
    step: (ctx: StepContext) => Promise<StepResult>,
    o?: { now?: Date; force?: boolean; passphrase?: string | null; hooks?: StepHooks },
  ): Promise<StepResult>;
  /** Runs `fn` on the state's store (opened and closed around it, like another process would). */
  withStore<T>(fn: (s: Store) => Promise<T>): Promise<T>;
  cleanup(): void;
}

/** `initState` of a new directory with `meshYaml` (default TEST_MESH_YAML) at T0. */
export async function initTempState(
  o: { meshYaml?: string; protection?: 'encrypted' | 'plaintext' } = {},
): Promise<TempState> {
  const tmp = tempDir();
  const dir = join(tmp.dir, 'state');
  const meshText = o.meshYaml ?? TEST_MESH_YAML;
  const mesh = parseMeshConfig(meshText);
  const protection = testProtection(o.protection);
  const init = await initState({ dir, mesh, meshText, now: T0, protection, progress: () => undefined });
  const warnings: string[] = [];
  return {
    dir,
    base: tmp.dir,
    mesh,
    init,
    warnings,
    run: (type, action, step, r = {}) => {
      const passphrase =
        r.passphrase === null
          ? undefined
          : (r.passphrase ?? (protection.kind === 'encrypted' ? TEST_PASSPHRASE : undefined));
      return runRotationStep(
        {
          dir,
          type,
          now: r.now ?? T0,
          force: r.force ?? false,
          kdf: FAST_KDF,
          warn: (t) => warnings.push(t),
          ...(passphrase !== undefined ? { passphrase } : {}),
          ...(r.hooks ? { hooks: r.hooks } : {}),
        },
        action,
        step,
      );
    },
    withStore: (fn) => withStateStore(dir, fn),
    cleanup: tmp.cleanup,
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string; detail?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string; detail?: string };
  }
  throw new Error('expected a rejection');
}
