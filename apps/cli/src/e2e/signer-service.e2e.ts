/**
 * `trustmesh signer` through the real bin: a state directory from `trustmesh init`, a token
 * from `trustmesh token create`, the signer as a child process, a gRPC client that obtains a
 * certificate with the token, `openssl verify` on the chain, and a clean exit on SIGTERM.
 */
import { credentials, Metadata } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCsr, generateKeyPair, pemEncode, spiffeId } from '@trustmesh/pki';
import { CertificateAuthorityClient, type SignResponse } from '@trustmesh/proto';
import { LAYOUT } from '@trustmesh/ca';
import { cli, cliAsync, finished, opensslVerify, tempDir } from './harness';

function waitForLine(
  child: ReturnType<typeof cliAsync>,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`no line matching ${pattern} in ${timeoutMs} ms: ${buf}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = buf.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`signer exited (${code}) before listening: ${buf}`));
    });
  });
}

describe('trustmesh signer (child process)', () => {
  it('ok/issues a certificate for a CLI-made token, verifiable by openssl; SIGTERM exits 0', async () => {
    const { dir, cleanup } = tempDir();
    const state = join(dir, 'state');
    try {
      expect(cli(['init', '--dir', state, '--trust-domain', 'example.test', '--types', 'api,db']).code).toBe(0);
      const tok = cli(['token', 'create', '--type', 'api', '--instance', 'api-1', '--json', '--dir', state]);
      expect(tok.code).toBe(0);
      const secret = (JSON.parse(tok.stdout) as { secret: string }).secret;

      const signer = cliAsync(['signer', '--dir', state, '--listen', '127.0.0.1:0']);
      const exited = finished(signer);
      const [, port] = await waitForLine(signer, /signer listening on 127\.0\.0\.1:(\d+)/);

      const client = new CertificateAuthorityClient(
        `127.0.0.1:${port}`,
        credentials.createSsl(readFileSync(join(state, LAYOUT.platformRoot))),
      );
      const kp = generateKeyPair();
      const res = await new Promise<SignResponse>((resolve, reject) =>
        client.sign(
          {
            csr: buildCsr({
              privateKey: kp.privateKey,
              publicKey: kp.publicKey,
              sans: { uris: [spiffeId('example.test', 'api', 'api-1')] },
            }),
            serviceType: 'api',
            instanceId: 'api-1',
            bootstrapToken: secret,
          },
          new Metadata(),
          { deadline: Date.now() + 20_000 },
          (err, r) => (err ? reject(err) : resolve(r as SignResponse)),
        ),
      );
      client.close();

      const root = cli(['ca', 'export', 'api', '--root', '--dir', state]).stdout;
      const [leaf, ...rest] = res.chain.map((d) => pemEncode('CERTIFICATE', d));
      const v = opensslVerify(dir, root, leaf!, rest.join(''));
      expect(v.out).toContain('OK');
      expect(v.ok).toBe(true);

      signer.kill('SIGTERM');
      const end = await exited;
      expect(end.code).toBe(0);
    } finally {
      cleanup();
    }
  }, 90_000);

  it('fail/unknown flag is a usage error (exit 2) naming the flag', () => {
    const r = cli(['signer', '--dir', '/nonexistent', '--listen', '127.0.0.1:0', '--bogus', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bogus');
  });

  it('ok/--help prints the usage and exits 0', () => {
    const r = cli(['signer', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: trustmesh signer --dir D --listen HOST:PORT');
  });
});
