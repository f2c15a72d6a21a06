/**
 * TrustMesh as the chain: `trustmesh signer` on the state directory, then two
 * `trustmesh sidecar --config F` processes that obtain their identities from it with bootstrap
 * tokens — A (api, instance api-N) with an outbound to B, B (db, db-N) with an inbound accepting
 * api that forwards to the echo server. Production logging stays on (info, one line per
 * connection), which is also how sessions are counted: B logs `resumed` per accepted peer.
 *
 * The sidecar always offers resumption (its default, measured on every row but the full-handshake
 * ones). For the full-handshake rows, B runs with an OpenSSL config (`OPENSSL_CONF`, section
 * `nodejs_conf`) setting `NumTickets = 0`: B sends no session ticket, so A never has a session
 * to offer (like stunnel's `sessionResume = no`), and A commits a connection on the peer's first
 * data instead of its ticket. The session counts of each run confirm it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { freePort } from '../lib/server-process';
import { cli, ROOT, type BenchCerts } from './certs';
import { waitForPort, type Pair, type Processes } from './pair';

const BIN = join(ROOT, 'apps/cli/bin/trustmesh.js');
// BENCH_SIDECAR_PROFILE_DIR=<dir> writes V8 CPU profiles of the sidecars there (for tuning).
const PROFILE = process.env.BENCH_SIDECAR_PROFILE_DIR;
const NO_RESUME_CNF = [
  'nodejs_conf = nodejs_init',
  '[nodejs_init]',
  'ssl_conf = ssl_sect',
  '[ssl_sect]',
  'system_default = sysdef',
  '[sysdef]',
  'NumTickets = 0',
  '',
].join('\n');

/** The running signer (stopped with the other processes). */
export interface Signer {
  port: number;
}

/** Starts `trustmesh signer` on the state directory; throws if it does not listen within 20 s. */
export async function startSigner(procs: Processes, dir: string, certs: BenchCerts): Promise<Signer> {
  const port = await freePort();
  await procs.start({
    cmd: process.execPath,
    args: [BIN, 'signer', '--dir', certs.state, '--listen', `127.0.0.1:${port}`],
    port,
    cwd: ROOT,
    logFile: join(dir, 'signer.log'),
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
  });
  return { port };
}

function readyz(port: number): Promise<number> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, path: '/readyz' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', () => resolve(0));
  });
}

async function waitReady(adminPort: number, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await readyz(adminPort)) !== 200) {
    if (Date.now() > deadline) throw new Error(`${what} not ready after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startSidecar(
  procs: Processes,
  dir: string,
  name: string,
  lines: string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const adminPort = await freePort();
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [...lines, `admin: { listen: "127.0.0.1:${adminPort}" }`, ''].join('\n'));
  const prof = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  // BENCH_SIDECAR_NODE_FLAGS="--max-semi-space-size=32 ..." tries V8/Node flags on the sidecars only (tuning runs).
  prof.push(...(process.env.BENCH_SIDECAR_NODE_FLAGS ?? '').split(' ').filter(Boolean));
  const p = await procs.start({
    cmd: process.execPath,
    args: [...prof, BIN, 'sidecar', '--config', file],
    port: adminPort,
    cwd: ROOT,
    logFile: join(dir, `${name}.log`),
    env,
  });
  await waitReady(adminPort, name);
  return p.pid;
}

/** One api → db sidecar pair; `resume: false` makes B issue no session tickets (see above). */
export async function startTrustMeshPair(
  procs: Processes,
  dir: string,
  certs: BenchCerts,
  signer: Signer,
  echoPort: number,
  resume: boolean,
): Promise<Pair> {
  const name = resume ? 'trustmesh' : 'trustmesh-full';
  const n = resume ? 1 : 2;
  const token = (type: string, instance: string): string => {
    const file = join(dir, `${instance}.token`);
    const out = JSON.parse(
      cli(['token', 'create', '--type', type, '--instance', instance, '--json', '--dir', certs.state]),
    ) as { secret: string };
    writeFileSync(file, out.secret, { mode: 0o600 });
    return file;
  };
  const signerLine = (tokenFile: string) =>
    `signer: { address: "127.0.0.1:${signer.port}", caFile: ${certs.platformRoot}, tokenFile: ${tokenFile} }`;
  const [entryPort, tlsPort] = [await freePort(), await freePort()];
  const bEnv = { ...process.env };
  if (!resume) {
    const cnf = join(dir, 'no-resume.cnf');
    writeFileSync(cnf, NO_RESUME_CNF);
    bEnv.OPENSSL_CONF = cnf;
  }
  const pb = await startSidecar(
    procs,
    dir,
    `${name}-b`,
    [
      'serviceType: db',
      `instanceId: db-${n}`,
      signerLine(token('db', `db-${n}`)),
      'inbound:',
      `  - { name: echo, listen: "127.0.0.1:${tlsPort}", forward: "127.0.0.1:${echoPort}", accept: [api] }`,
    ],
    bEnv,
  );
  const pa = await startSidecar(
    procs,
    dir,
    `${name}-a`,
    [
      'serviceType: api',
      `instanceId: api-${n}`,
      signerLine(token('api', `api-${n}`)),
      'outbound:',
      `  - { name: db, listen: "127.0.0.1:${entryPort}", connect: "127.0.0.1:${tlsPort}", peerType: db }`,
    ],
    process.env,
  );
  await waitForPort(tlsPort);
  await waitForPort(entryPort);
  const bLog = join(dir, `${name}-b.log`);
  return {
    name,
    entryPort,
    tlsPort,
    pids: [pa, pb],
    sessions() {
      const lines = readFileSync(bLog, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"peer_accepted"'));
      const resumed = lines.filter((l) => l.includes('"resumed":true')).length;
      return { full: lines.length - resumed, resumed };
    },
  };
}
