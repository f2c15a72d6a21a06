/**
 * `trustmesh sidecar` through the real bin: with a signer from `trustmesh signer` and a token
 * from `trustmesh token create`, the sidecar obtains its identity and turns ready; bad
 * arguments and configs are usage errors with a reason code.
 */
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { cli, cliAsync, finished, tempDir } from './harness';

function readyz(port: number): Promise<number> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, path: '/readyz' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', () => resolve(0));
  });
}

/** A free TCP port on 127.0.0.1 (bound to 0, read, released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function listeningPort(child: ReturnType<typeof cliAsync>): Promise<number> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`signer did not listen: ${buf}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = buf.match(/signer listening on 127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
}

describe('trustmesh sidecar (child process)', () => {
  it('ok/gets its identity from the signer with a token and turns ready; SIGTERM exits 0', async () => {
    const { dir, cleanup } = tempDir();
    const state = join(dir, 'state');
    const children: ReturnType<typeof cliAsync>[] = [];
    try {
      writeFileSync(
        join(dir, 'trustmesh.yaml'),
        'trustDomain: example.test\ntypes:\n  api: { dials: [db] }\n  db: { accepts: [api] }\n',
      );
      expect(cli(['init', '--dir', state, '--config', join(dir, 'trustmesh.yaml')]).code).toBe(0);
      const tok = cli(['token', 'create', '--type', 'db', '--instance', 'db-1', '--json', '--dir', state]);
      writeFileSync(join(dir, 'db.token'), (JSON.parse(tok.stdout) as { secret: string }).secret);
      writeFileSync(join(dir, 'signer-ca.pem'), cli(['ca', 'export', 'platform', '--root', '--dir', state]).stdout);

      const running = cliAsync(['signer', '--dir', state, '--listen', '127.0.0.1:0']);
      children.push(running);
      const signerExit = finished(running);
      const port = await listeningPort(running);
      const adminPort = await freePort();
      writeFileSync(
        join(dir, 'sidecar.yaml'),
        [
          'serviceType: db',
          'instanceId: db-1',
          `signer: { address: "127.0.0.1:${port}", caFile: ${join(dir, 'signer-ca.pem')}, tokenFile: ${join(dir, 'db.token')} }`,
          'inbound:',
          '  - { name: pg, listen: "127.0.0.1:0", forward: "127.0.0.1:9", accept: [api] }',
          `admin: { listen: "127.0.0.1:${adminPort}" }`,
          '',
        ].join('\n'),
      );
      const sidecar = cliAsync(['sidecar', '--config', join(dir, 'sidecar.yaml')]);
      children.push(sidecar);
      const sidecarExit = finished(sidecar);
      const deadline = Date.now() + 30_000;
      let status = 0;
      while (Date.now() < deadline && (status = await readyz(adminPort)) !== 200)
        await new Promise((r) => setTimeout(r, 200));
      expect(status).toBe(200);

      sidecar.kill('SIGTERM');
      expect((await sidecarExit).code).toBe(0);
      running.kill('SIGTERM');
      expect((await signerExit).code).toBe(0);
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      cleanup();
    }
  }, 90_000);

  it.each([
    { name: 'fail/no --config', args: ['sidecar'], code: 2, reason: 'ARGS_INVALID' },
    {
      name: 'fail/unreadable config',
      args: ['sidecar', '--config', '/nonexistent/sidecar.yaml'],
      code: 2,
      reason: 'CONFIG_UNREADABLE',
    },
  ])('$name', ({ args, code, reason }) => {
    const r = cli(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(reason);
  });

  it('ok/--help prints the usage and exits 0', () => {
    const r = cli(['sidecar', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: trustmesh sidecar --config FILE');
  });
});
