/**
 * What every rotation step gets and returns. A step validates, writes key files first (if
 * any), then makes ONE store transaction with the CA records, the meta and its audit record;
 * so a crash leaves either nothing recorded (re-run) or everything (re-run is a no-op).
 */
import type { KdfParams } from '@trustmesh/keystore';
import type { MeshConfig } from '@trustmesh/policy';
import type { Store } from '@trustmesh/store';
import type { CliIo } from '../command';

/** Inputs of one rotation step, on a locked, open state directory. */
export interface StepContext {
  dir: string;
  store: Store;
  mesh: MeshConfig;
  type: string;
  now: Date;
  io: CliIo;
  /** `--force`: run even when the safety check refuses (the refusal is still shown and audited). */
  force: boolean;
  passphrase?: string;
  kdf: KdfParams;
  /** Tests only: kill the process right after the key files are written / the store transaction. */
  crashAfter?: 'keys' | 'store';
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

/**
 * The test hook at the edge (TRUSTMESH_TEST_CRASH_AFTER=keys|store): dies like a power cut, with
 * no cleanup, no lock release and no audit, right after the step's key files are on disk
 * (`keys`) or right after its store transaction committed (`store`).
 */
export function crashPoint(ctx: StepContext, point: 'keys' | 'store'): void {
  if (ctx.crashAfter === point) process.kill(process.pid, 'SIGKILL');
}

/** A forced step notes on stderr what it overrode; the audit record carries it as well. */
export function noteForced(ctx: StepContext, what: string): void {
  ctx.io.err(`trustmesh: warning: --force: proceeding although ${what}`);
}
