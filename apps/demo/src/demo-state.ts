/**
 * The demo's state directory: wiped and re-created on every run, with a marker file so a
 * directory the demo did not make is never deleted. Holds the mesh copy with short leaf
 * lifetimes, the `trustmesh init` state (DEVELOPMENT keys, unencrypted), one bootstrap token and
 * one sidecar.yaml per service, and a log file per process.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT, statePath } from '@trustmesh/ca';
import { parseMeshConfig, type MeshConfig } from '@trustmesh/policy';
import { DemoError } from './demo-error';

/** Marker file that proves a directory is a demo state directory. */
export const DEMO_MARKER = '.trustmesh-demo';

/** Paths inside the demo directory. */
export interface DemoPaths {
  readonly dir: string;
  /** `trustmesh init` state (signer's --dir). */
  readonly state: string;
  readonly logs: string;
  /** The short-lived mesh copy that `init --config` reads (named like the state directory's mesh file). */
  readonly meshFile: string;
  /** The platform root inside the state directory (the sidecars' signer CA). */
  readonly platformRoot: string;
}

/** Paths of a demo directory rooted at `dir`. */
export function demoPaths(dir: string): DemoPaths {
  const state = join(dir, 'state');
  return {
    dir,
    state,
    logs: join(dir, 'logs'),
    meshFile: join(dir, LAYOUT.mesh),
    platformRoot: statePath(state, LAYOUT.platformRoot),
  };
}

/**
 * Empties `dir` (only when it holds the marker or is empty) and re-creates it with `logs/` and
 * the marker.
 * @throws DemoError STATE_DIR_FOREIGN when `dir` holds files but no marker
 */
export function resetDemoDir(dir: string): DemoPaths {
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, DEMO_MARKER))) {
    throw new DemoError('STATE_DIR_FOREIGN', dir);
  }
  rmSync(dir, { recursive: true, force: true });
  const p = demoPaths(dir);
  mkdirSync(p.logs, { recursive: true });
  writeFileSync(
    join(dir, DEMO_MARKER),
    'made by the TrustMesh demo (npm start); wiped on every run. DEVELOPMENT keys only.\n',
  );
  return p;
}

/**
 * The mesh config of `sourceFile` rewritten with every type's `leafTtl` set to `leafTtl` (and
 * the default `maxTtl`), as YAML flow mappings; accepts, dials, key types and DNS templates are
 * kept. The source is validated by @trustmesh/policy first.
 * @throws DemoError SETUP_FAILED when the file cannot be read or is not a valid mesh config
 */
export function shortLivedMesh(sourceFile: string, leafTtl: string): string {
  let mesh: MeshConfig;
  try {
    mesh = parseMeshConfig(readFileSync(sourceFile, 'utf8'));
  } catch (err) {
    throw new DemoError('SETUP_FAILED', `${sourceFile}: ${(err as Error).message}`);
  }
  const list = (xs: readonly string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  const lines = [
    '# The demo mesh: a copy of trustmesh.yaml with short leaf lifetimes so renewals are visible.',
    `trustDomain: ${mesh.trustDomain}`,
    'types:',
  ];
  for (const t of Object.values(mesh.types)) {
    const fields = [
      `accepts: ${list(t.accepts)}`,
      `dials: ${list(t.dials)}`,
      `leafTtl: ${leafTtl}`,
      `keyTypes: ${list(t.keyTypes)}`,
    ];
    if (t.dnsTemplates.length > 0) fields.push(`dnsTemplates: ${list(t.dnsTemplates)}`);
    if (t.allowIpSans) fields.push('allowIpSans: true');
    lines.push(`  ${t.name}: { ${fields.join(', ')} }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Result of one `trustmesh` CLI run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <bin> ...args` (bounded: 30 s) and resolves with its outcome; never rejects. */
export function runCli(bin: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env, timeout: 30_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Runs a CLI step that must succeed.
 * @throws DemoError SETUP_FAILED with the command and its last stderr line otherwise
 */
export async function mustRunCli(
  bin: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const r = await runCli(bin, args, cwd, env);
  if (r.code !== 0) {
    const last = r.stderr.trim().split('\n').pop() ?? '';
    throw new DemoError('SETUP_FAILED', `trustmesh ${args.slice(0, 2).join(' ')}: ${last}`);
  }
  return r.stdout;
}
