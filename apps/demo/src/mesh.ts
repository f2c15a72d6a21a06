/**
 * Starts the demo mesh as real processes through the real entry points: a fresh state directory
 * (`trustmesh init --insecure-plaintext-keys`, DEVELOPMENT keys), `trustmesh signer`, one
 * `trustmesh sidecar` per service with a bootstrap token, and the example services of
 * examples/ (through tools/scripts/run-ts.js). Resolves once the signer listens, every sidecar
 * is ready and every service listens. Used by the demo and by its end-to-end tests.
 */
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { ChildSet } from './children';
import { DemoError } from './demo-error';
import { mustRunCli, resetDemoDir, shortLivedMesh, type DemoPaths } from './demo-state';
import { freePorts } from './ports';
import {
  assignPorts,
  DEMO_SERVICES,
  PORT_COUNT,
  serviceArgs,
  writeSidecarConfigs,
  type DemoService,
  type MeshPorts,
  type WiringOptions,
} from './sidecar-configs';

/** The repository root (this file is apps/demo/src/mesh.ts). */
export const REPO_ROOT = resolve(__dirname, '../../..');
/** The `trustmesh` bin every child runs through: the demo uses the product as a user would. */
export const TRUSTMESH_BIN = join(REPO_ROOT, 'apps/cli/bin/trustmesh.js');
const RUN_TS = join(REPO_ROOT, 'tools/scripts/run-ts.js');

/** Options of {@link startMesh}. */
export interface MeshOptions extends WiringOptions {
  /** Demo directory (absolute); wiped and re-created. */
  readonly dir: string;
  /** Leaf lifetime of every type (mesh copy). Default `1m`, the policy minimum. */
  readonly leafTtl?: string;
  /** Start the db example service (default true; false when db's sidecar forwards elsewhere). */
  readonly startDb?: boolean;
  /** Called once for a child that exits while the mesh is running (not during stop). */
  readonly onUnexpectedExit?: (name: string, code: number) => void;
  /** Readiness deadline in ms. Default 45 s. */
  readonly readyTimeoutMs?: number;
}

/** A running demo mesh. */
export interface RunningMesh {
  readonly paths: DemoPaths;
  readonly ports: MeshPorts;
  readonly children: ChildSet;
  /** `trustmesh` CLI steps against the mesh's state (rotation, tokens). */
  cli(args: readonly string[]): Promise<string>;
  /** Starts the signer again on the same port (after a kill); resolves once it listens. */
  restartSigner(): Promise<void>;
  /** Stops services, then sidecars, then the signer (SIGTERM; SIGKILL after a grace). Exit codes by name. */
  stop(): Promise<Record<string, number>>;
}

/** Environment of every child: no inherited TRUSTMESH_* secrets, keys are plaintext anyway. */
export function childEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: '1' };
}

/**
 * Builds the state and starts every process of the mesh.
 * @throws DemoError SETUP_FAILED (a CLI step failed), CHILD_START_FAILED (not ready in time;
 *   everything started so far is stopped first), STATE_DIR_FOREIGN
 */
export async function startMesh(o: MeshOptions): Promise<RunningMesh> {
  const paths = resetDemoDir(o.dir);
  const env = childEnv();
  const cli = (args: readonly string[]): Promise<string> => mustRunCli(TRUSTMESH_BIN, args, REPO_ROOT, env);
  writeFileSync(paths.meshFile, shortLivedMesh(join(REPO_ROOT, 'trustmesh.yaml'), o.leafTtl ?? '1m'));
  await cli(['init', '--dir', paths.state, '--config', paths.meshFile, '--insecure-plaintext-keys']);
  const tokenFile = (s: DemoService): string => join(o.dir, `${s}.token`);
  for (const s of DEMO_SERVICES) {
    const secret = await cli([
      'token',
      'create',
      '--dir',
      paths.state,
      '--type',
      s,
      '--instance',
      `${s}-1`,
      '--ttl',
      '1h',
    ]);
    writeFileSync(tokenFile(s), secret.trim() + '\n', { mode: 0o600 });
  }
  const ports = assignPorts(await freePorts(PORT_COUNT));
  const configs = writeSidecarConfigs(o.dir, ports, { port: ports.signer, caFile: paths.platformRoot, tokenFile }, o);
  const children = new ChildSet(paths.logs, o.onUnexpectedExit ?? (() => undefined));
  const deadline = Date.now() + (o.readyTimeoutMs ?? 45_000);

  const startSigner = async (): Promise<void> => {
    let seen = '';
    const listening = new Promise<void>((res) => {
      children.start(
        'signer',
        [TRUSTMESH_BIN, 'signer', '--dir', paths.state, '--listen', `127.0.0.1:${ports.signer}`],
        REPO_ROOT,
        env,
        (t) => {
          seen += t;
          if (seen.includes('signer listening on')) res();
        },
      );
    });
    await until(listening, deadline, 'signer');
  };
  const stop = async (): Promise<Record<string, number>> => {
    children.beginStop();
    const codes = await children.stop(DEMO_SERVICES.map((s) => `${s}-svc`));
    Object.assign(codes, await children.stop(DEMO_SERVICES.map((s) => `${s}-sidecar`)));
    Object.assign(codes, await children.stop(['signer']));
    return codes;
  };

  try {
    await startSigner();
    for (const s of DEMO_SERVICES)
      children.start(`${s}-sidecar`, [TRUSTMESH_BIN, 'sidecar', '--config', configs[s]], REPO_ROOT, env);
    const listening: Promise<void>[] = [];
    for (const s of DEMO_SERVICES) {
      if (s === 'db' && o.startDb === false) continue;
      listening.push(
        new Promise<void>((res) => {
          children.start(
            `${s}-svc`,
            [RUN_TS, join(REPO_ROOT, 'examples', s, 'main.ts'), ...serviceArgs(s, ports)],
            REPO_ROOT,
            env,
            (t) => {
              if (t.includes('listening on')) res();
            },
          );
        }),
      );
    }
    await until(
      Promise.all(listening).then(() => undefined),
      deadline,
      'example services',
    );
    for (const s of DEMO_SERVICES) await until(waitReady(ports[s].admin, deadline), deadline, `${s} sidecar`);
  } catch (err) {
    children.beginStop();
    await stop();
    throw err;
  }
  return { paths, ports, children, cli, restartSigner: startSigner, stop };
}

/** Resolves when `p` does, or rejects with CHILD_START_FAILED naming `what` at `deadline`. */
function until<T>(p: Promise<T>, deadline: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new DemoError('CHILD_START_FAILED', `${what} not ready in time`)),
      Math.max(0, deadline - Date.now()),
    );
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Polls `GET /readyz` on an admin port every 200 ms until 200 or the deadline. */
async function waitReady(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if ((await httpStatus(port, '/readyz')) === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new DemoError('CHILD_START_FAILED', `sidecar admin 127.0.0.1:${port} not ready in time`);
}

/** Status code of `GET path` on 127.0.0.1:port; 0 when the request fails (bounded: 2 s). */
export function httpStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}
