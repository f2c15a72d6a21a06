/**
 * The CFSSL anchor: `cfssl serve` (Debian golang-cfssl) with an ECDSA P-256 CA, a default
 * profile for `/api/v1/cfssl/sign` and an HMAC-authenticated profile for `/authsign`
 * (docs/BENCHMARKS.md "The anchors" describes the same setup). Clients use a keep-alive HTTP agent.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { freePort, startServer, type ServerProcess } from '../lib/server-process';

export interface Cfssl {
  server: ServerProcess;
  sign(csrPem: string): Promise<void>;
  authsign(csrPem: string): Promise<void>;
  close(): Promise<void>;
}

const USAGES = ['digital signature', 'server auth', 'client auth'];

export async function startCfssl(dir: string, concurrency: number): Promise<Cfssl> {
  writeFileSync(join(dir, 'ca-csr.json'), JSON.stringify({ CN: 'bench cfssl CA', key: { algo: 'ecdsa', size: 256 } }));
  const caJson = execFileSync('cfssl', ['gencert', '-initca', join(dir, 'ca-csr.json')], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const ca = JSON.parse(caJson.toString()) as { cert: string; key: string };
  writeFileSync(join(dir, 'ca.pem'), ca.cert);
  writeFileSync(join(dir, 'ca-key.pem'), ca.key, { mode: 0o600 });
  const hmacKey = randomBytes(16);
  writeFileSync(
    join(dir, 'cfssl-config.json'),
    JSON.stringify({
      signing: {
        default: { expiry: '24h', usages: USAGES },
        profiles: { authed: { expiry: '24h', usages: USAGES, auth_key: 'k1' } },
      },
      auth_keys: { k1: { type: 'standard', key: hmacKey.toString('hex') } },
    }),
  );
  const port = await freePort();
  const server = await startServer({
    cmd: 'cfssl',
    args: [
      'serve',
      '-address',
      '127.0.0.1',
      '-port',
      String(port),
      '-ca',
      join(dir, 'ca.pem'),
      '-ca-key',
      join(dir, 'ca-key.pem'),
      '-config',
      join(dir, 'cfssl-config.json'),
    ],
    port,
    logFile: join(dir, 'cfssl.log'),
  });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

  function post(path: string, body: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode !== 200)
              return reject(new Error(`cfssl ${path}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
            const parsed = JSON.parse(text) as { success: boolean; result?: { certificate?: string } };
            if (!parsed.success || !parsed.result?.certificate)
              return reject(new Error(`cfssl ${path}: no certificate`));
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  return {
    server,
    sign: (csrPem) => post('/api/v1/cfssl/sign', JSON.stringify({ certificate_request: csrPem })),
    authsign: (csrPem) => {
      const inner = Buffer.from(JSON.stringify({ certificate_request: csrPem, profile: 'authed' }));
      const token = createHmac('sha256', hmacKey).update(inner).digest('base64');
      return post('/api/v1/cfssl/authsign', JSON.stringify({ token, request: inner.toString('base64') }));
    },
    async close() {
      agent.destroy();
      await server.stop();
    },
  };
}
