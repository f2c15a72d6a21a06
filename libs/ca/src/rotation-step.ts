/**
 * What every rotation step gets and returns. A step validates, writes key files first (if
 * any), then makes ONE store transaction with the CA records, the meta and its audit record;
 * so a crash leaves either nothing recorded (re-run) or everything (re-run is a no-op).
 */
import type { KdfParams } from '@trustmesh/keystore';
import type { MeshConfig } from '@trustmesh/policy';
import type { Store } from '@trustmesh/store';
import type { Warn } from './warnings';

/**
 * Fault injection for crash tests: called at the two points where a crash leaves a distinct
 * state behind. Production callers pass none. A hook may kill its process (what
 * libs/ca/src/testing/crash-step.ts does) or throw (the step then fails with that error, after
 * the point: keys written / transaction committed).
 */
export interface StepHooks {
  /** Right after the step's new key files are on disk, before its store transaction. */
  afterKeys?(): void;
  /** Right after the step's store transaction committed, before key files move to the archive (retire). */
  afterStore?(): void;
}

/** Inputs of one rotation step, on a locked, open state directory. */
export interface StepContext {
  dir: string;
  store: Store;
  mesh: MeshConfig;
  type: string;
  now: Date;
  /** Where a forced step (and unencrypted keys) are reported. */
  warn: Warn;
  /** `--force`: run even when the safety check refuses (the refusal is still shown and audited). */
  force: boolean;
  passphrase?: string;
  kdf: KdfParams;
  hooks?: StepHooks;
}

/** What a step did. `noop` when it had been completed before (idempotent re-run). */
export interface StepResult {
  /** Audit action, e.g. `ca.rotate.prepare`. */
  action: string;
  noop: boolean;
  /** One line for humans. */
  message: string;
  /** The same facts for `--json` and the audit record. */
  details: Record<string, unknown>;
}

/** A forced step reports what it overrode; the audit record carries it as well. */
export function noteForced(ctx: StepContext, what: string): void {
  ctx.warn(`--force: proceeding although ${what}`);
}
