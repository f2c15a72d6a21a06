/**
 * Restarts one sidecar of a running demo mesh with its signer address changed (e.g. to a
 * {@link SignerRelay} in front of the signer): same ports, same routes, a fresh bootstrap token
 * for the same instance id. Meant for before traffic starts: the sidecar's listeners are down
 * between the kill and the restart.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, httpStatus, REPO_ROOT, TRUSTMESH_BIN, type RunningMesh } from '../mesh';
import type { DemoService } from '../sidecar-configs';
import { tm } from './rotation-checks';

/**
 * Kills `<service>-sidecar` (an expected exit), writes `<service>.relayed.sidecar.yaml` naming
 * `127.0.0.1:<signerPort>` as the signer, and starts it again; resolves once `/readyz` is 200.
 * @throws Error when the token cannot be made, the config does not name the mesh's signer, or the
 *   sidecar is not ready within `readyMs` (default 20 s)
 */
export async function restartSidecarVia(
  mesh: RunningMesh,
  service: DemoService,
  signerPort: number,
  readyMs = 20_000,
): Promise<void> {
  const token = await tm([
    'token',
    'create',
    '--dir',
    mesh.paths.state,
    '--type',
    service,
    '--instance',
    `${service}-1`,
    '--ttl',
    '1h',
  ]);
  if (token.code !== 0) throw new Error(`token create: ${token.stderr.trim()}`);
  const tokenFile = join(mesh.paths.dir, `${service}.relayed.token`);
  writeFileSync(tokenFile, token.stdout.trim() + '\n', { mode: 0o600 });

  const original = readFileSync(join(mesh.paths.dir, `${service}.sidecar.yaml`), 'utf8');
  const signerLine = /^signer: .*$/m;
  const from = `address: "127.0.0.1:${mesh.ports.signer}"`;
  const line = signerLine.exec(original)?.[0];
  if (!line?.includes(from))
    throw new Error(`${service}.sidecar.yaml does not name the signer at ${mesh.ports.signer}`);
  const relayed = line
    .replace(from, `address: "127.0.0.1:${signerPort}"`)
    .replace(/tokenFile: "[^"]*"/, `tokenFile: ${JSON.stringify(tokenFile)}`);
  const config = join(mesh.paths.dir, `${service}.relayed.sidecar.yaml`);
  writeFileSync(config, original.replace(signerLine, relayed));

  const name = `${service}-sidecar`;
  await mesh.children.kill(name);
  mesh.children.start(name, [TRUSTMESH_BIN, 'sidecar', '--config', config], REPO_ROOT, childEnv());
  const deadline = Date.now() + readyMs;
  while ((await httpStatus(mesh.ports[service].admin, '/readyz')) !== 200) {
    if (Date.now() > deadline) throw new Error(`${name} (via 127.0.0.1:${signerPort}) not ready in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
