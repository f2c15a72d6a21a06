/**
 * Test fixture for the demo's end-to-end tests: a running demo mesh in a temp directory that is
 * always stopped (children killed by pid) and removed, and the real `curl` binary as client.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMesh, type MeshOptions, type RunningMesh } from '../mesh';

/** Runs `fn` against a fresh mesh; stops it (and kills leftovers) and removes the dir after. */
export async function withMesh<T>(
  o: Omit<MeshOptions, 'dir'>,
  fn: (mesh: RunningMesh, died: string[]) => Promise<T>,
): Promise<T> {
  const root = mkdtempSync(join(tmpdir(), 'tm-demo-e2e-'));
  const died: string[] = [];
  let mesh: RunningMesh | undefined;
  try {
    mesh = await startMesh({
      ...o,
      dir: join(root, 'demo'),
      onUnexpectedExit: (name, code) => died.push(`${name}=${code}`),
    });
    return await fn(mesh, died);
  } finally {
    if (mesh) {
      await mesh.stop();
      mesh.children.killAllNow();
    }
    rmSync(root, { recursive: true, force: true });
  }
}

/** Outcome of one curl run. */
export interface CurlResult {
  /** curl's exit code (0 ok; 52 empty reply, 56 receive failure, 7 refused …). */
  readonly code: number;
  readonly status: number;
  readonly body: string;
}

/** `curl -sS` GET of `http://127.0.0.1:<port><path>` (bounded: 10 s); status from `-w`. */
export function curl(port: number, path: string): CurlResult {
  const r = spawnSync(
    'curl',
    ['-sS', '--max-time', '8', '-o', '-', '-w', '\n%{http_code}', `http://127.0.0.1:${port}${path}`],
    { encoding: 'utf8', timeout: 10_000 },
  );
  const out = r.stdout ?? '';
  const nl = out.lastIndexOf('\n');
  return { code: r.status ?? -1, status: Number(out.slice(nl + 1)) || 0, body: out.slice(0, Math.max(0, nl)) };
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
