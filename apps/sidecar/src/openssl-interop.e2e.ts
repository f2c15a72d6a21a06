/**
 * `openssl s_client` as an independent judge of the inbound: a valid `api` certificate gets
 * through to the service, an accepted-CA check is real (a `web` certificate is cut off), and the
 * sidecar's own certificate verifies against its root with OpenSSL's path validation.
 */
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTcpServer, type TestServer } from './testing/net-helpers';
import { bundleOf, createTestCa, issueTestLeaf, type TestCa } from './testing/test-mesh';
import { startTestSidecar, type TestSidecar } from './testing/sidecar-fixture';

const now = new Date();
let dir: string;
let db: TestCa, api: TestCa, web: TestCa;
let echo: TestServer;
let side: TestSidecar;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sidecar-openssl-'));
  [db, api, web] = ['db', 'api', 'web'].map((t) => createTestCa(t, now));
  echo = await startTcpServer();
  side = await startTestSidecar({
    serviceType: 'db',
    yaml: `inbound:\n  - { name: sql, listen: 127.0.0.1:0, forward: 127.0.0.1:${echo.port}, accept: [api] }`,
    identity: issueTestLeaf(db, { now }).identity,
    bundle: bundleOf(1, [db, api, web]),
  });
  await writeFile(join(dir, 'db-root.pem'), new X509Certificate(db.root).toString());
});
afterAll(async () => {
  await side.stop();
  await echo.close();
  await rm(dir, { recursive: true, force: true });
});

/** Writes a peer's key (0600, temp dir, deleted after the run), leaf and chain for openssl. */
async function peerFiles(ca: TestCa, name: string): Promise<string[]> {
  const { identity, privateKey } = issueTestLeaf(ca, { now });
  const [key, cert, chain] = ['key', 'crt', 'chain'].map((ext) => join(dir, `${name}.${ext}`));
  await writeFile(key, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  await writeFile(cert, new X509Certificate(identity.chain[0]).toString());
  await writeFile(chain, new X509Certificate(identity.chain[1]).toString());
  return ['-key', key, '-cert', cert, '-cert_chain', chain];
}

/** Runs s_client, sends `line`, and returns stdout once `line` echoes back or the process ends. */
function sClient(args: string[], line: string): Promise<{ out: string; echoed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${side.ports.sql}`,
        '-CAfile',
        join(dir, 'db-root.pem'),
        '-verify_return_error',
        '-quiet',
        ...args,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    const finish = (echoed: boolean) => {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGTERM');
      resolve({ out, echoed });
    };
    const timer = setTimeout(() => finish(false), 5000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes(line)) finish(true);
    });
    child.on('error', reject);
    child.on('exit', () => finish(out.includes(line)));
    child.stdin.on('error', () => undefined);
    child.stdin.write(`${line}\n`);
  });
}

describe('openssl s_client against the inbound', () => {
  it('ok/a valid api certificate gets through and the echo comes back', async () => {
    const r = await sClient(await peerFiles(api, 'api'), 'hello-from-openssl');
    expect(r.echoed).toBe(true);
    expect(side.events('peer_accepted').at(-1)).toMatchObject({ peer: 'spiffe://example.test/api/api-1' });
  });

  it('fail/a web certificate is cut off before any byte reaches the service', async () => {
    const r = await sClient(await peerFiles(web, 'web'), 'should-not-pass');
    expect(r.echoed).toBe(false);
    expect(side.events('peer_refused').at(-1)).toMatchObject({ reason: 'CERT_UNTRUSTED' });
  });
});
