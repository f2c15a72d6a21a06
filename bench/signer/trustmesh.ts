/**
 * The TrustMesh side of the signer benchmark: a state directory made by `trustmesh init`
 * (development keys: the KDF is not what is measured), bootstrap tokens written in bulk to the
 * store, the signer as a child process (`apps/signer/bin/signer.ts`), and grpc-js clients over
 * TLS — token-authenticated first issuance, and renewal over mTLS with a held certificate.
 */
import { credentials, Metadata, type ChannelCredentials } from '@grpc/grpc-js';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT, newToken, statePath } from '@trustmesh/ca';
import { buildCsr, exportPrivateKey, generateKeyPair, pemEncode, spiffeId } from '@trustmesh/pki';
import { CertificateAuthorityClient, type SignRequest, type SignResponse } from '@trustmesh/proto';
import { openSqliteStore } from '@trustmesh/store';
import { freePort, startServer, type ServerProcess } from '../lib/server-process';

const ROOT = join(__dirname, '..', '..');
const TRUST_DOMAIN = 'bench.test';
const TYPE = 'api';
/** channelz bookkeeping costs the load generator CPU per call; nothing reads it here. */
const CLIENT_OPTIONS = { 'grpc.enable_channelz': 0 };

export interface TrustMeshSigner {
  server: ServerProcess;
  /** First issuance with a fresh single-use bootstrap token. */
  signWithToken(csrDer: Buffer, i: number): Promise<void>;
  /** Renewal over mTLS by the holder of the `renewer` certificate. */
  renew(csrDer: Buffer): Promise<void>;
  close(): Promise<void>;
}

function call(client: CertificateAuthorityClient, req: SignRequest): Promise<SignResponse> {
  return new Promise((resolve, reject) => {
    client.sign(req, new Metadata(), { deadline: Date.now() + 30_000 }, (err, res) =>
      err ? reject(err) : resolve(res as SignResponse),
    );
  });
}

export async function startTrustMeshSigner(dir: string, tokenCount: number): Promise<TrustMeshSigner> {
  const state = join(dir, 'state');
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'apps/cli/bin/trustmesh.js'),
      'init',
      '--dir',
      state,
      '--trust-domain',
      TRUST_DOMAIN,
      '--types',
      TYPE,
      '--insecure-plaintext-keys',
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );

  // Tokens: the CLI makes one per process; the benchmark needs tens of thousands, so it writes
  // them straight into the store (same hashing as `trustmesh token create`).
  const secrets: string[] = [];
  const store = await openSqliteStore(statePath(state, LAYOUT.db));
  const now = new Date();
  await store.transaction(async (s) => {
    for (let i = 0; i < tokenCount; i++) {
      const t = newToken({ serviceType: TYPE, instanceId: null, ttlSeconds: 3600, now });
      secrets.push(t.secret);
      await s.putToken(t.record);
    }
  });
  await store.close();

  const port = await freePort();
  const server = await startServer({
    cmd: process.execPath,
    // BENCH_SIGNER_PROFILE_DIR=<dir> writes a V8 CPU profile of the signer there (for tuning).
    args: [
      ...(process.env.BENCH_SIGNER_PROFILE_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SIGNER_PROFILE_DIR}`]
        : []),
      join(ROOT, 'tools/scripts/run-ts.js'),
      join(ROOT, 'apps/signer/bin/signer.ts'),
      '--dir',
      state,
      '--listen',
      `127.0.0.1:${port}`,
      '--rate-per-identity',
      '1000000',
      '--rate-overall',
      '1000000',
      // BENCH_SIGNER_STORE_SYNC=normal measures the signer without an fsync per commit.
      '--store-sync',
      process.env.BENCH_SIGNER_STORE_SYNC === 'normal' ? 'normal' : 'full',
      // BENCH_SIGNER_WORKERS=N: CPU worker threads (default: the signer's own default).
      ...(process.env.BENCH_SIGNER_WORKERS ? ['--workers', process.env.BENCH_SIGNER_WORKERS] : []),
    ],
    port,
    cwd: ROOT,
    logFile: join(dir, 'signer.log'),
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
  });
  const rootPem = readFileSync(statePath(state, LAYOUT.platformRoot));
  const target = `127.0.0.1:${port}`;
  const tokenClient = new CertificateAuthorityClient(target, credentials.createSsl(rootPem), CLIENT_OPTIONS);

  // The renewer: one identity obtained with a token, then used over mTLS.
  const kp = generateKeyPair();
  const instanceId = 'renewer-1';
  const sid = spiffeId(TRUST_DOMAIN, TYPE, instanceId);
  let next = 0;
  const first = await call(tokenClient, {
    csr: buildCsr({ privateKey: kp.privateKey, publicKey: kp.publicKey, sans: { uris: [sid] } }),
    serviceType: TYPE,
    instanceId,
    bootstrapToken: secrets[next++]!,
  });
  const mtls: ChannelCredentials = credentials.createSsl(
    rootPem,
    Buffer.from(exportPrivateKey(kp.privateKey, 'pem') as string),
    Buffer.from(first.chain.map((d) => pemEncode('CERTIFICATE', d)).join('')),
  );
  const renewClient = new CertificateAuthorityClient(target, mtls, CLIENT_OPTIONS);
  const renewCsrs = Array.from({ length: 64 }, () => {
    const k = generateKeyPair();
    return buildCsr({ privateKey: k.privateKey, publicKey: k.publicKey, sans: { uris: [sid] } });
  });
  let r = 0;

  return {
    server,
    async signWithToken(csrDer, i) {
      const secret = secrets[next++];
      if (!secret) throw new Error('out of bootstrap tokens');
      await call(tokenClient, { csr: csrDer, serviceType: TYPE, instanceId: `bench-${i}`, bootstrapToken: secret });
    },
    async renew(_csrDer) {
      await call(renewClient, {
        csr: renewCsrs[r++ % renewCsrs.length]!,
        serviceType: TYPE,
        instanceId,
        bootstrapToken: '',
      });
    },
    async close() {
      tokenClient.close();
      renewClient.close();
      await server.stop();
    },
  };
}
