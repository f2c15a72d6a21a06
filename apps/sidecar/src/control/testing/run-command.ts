/**
 * Test helper shared by command.spec.ts and command.openssl.e2e.ts: runs `trustmesh sidecar` in
 * process (runSidecarCommand) with an empty env and a memory logger, collecting what it prints.
 */
import { MemoryLogger } from '../../observe/logger';
import { runSidecarCommand } from '../command';
import type { ControlledSidecar } from '../start-control';

/** Runs the command with `argv`; resolves with its exit code and everything written to stderr. */
export async function run(argv: string[], o: { signal?: AbortSignal; onStarted?: (s: ControlledSidecar) => void } = {}) {
  const err: string[] = [];
  const code = await runSidecarCommand(argv, {}, { err: (t) => err.push(t), logger: new MemoryLogger(), ...o });
  return { code, err: err.join('') };
}
