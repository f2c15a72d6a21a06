/**
 * Test helper: an in-process signer on 127.0.0.1:0 over a fresh test state, with an in-memory
 * span exporter, an admin listener and a clock the test can move; plus openssl-based oracles.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKeyFile } from '@trustmesh/keystore';
import { pemEncode } from '@trustmesh/pki';
import type { SignResponse } from '@trustmesh/proto';
import { createTelemetry, InMemorySpanExporter, type Telemetry } from '@trustmesh/telemetry';
import { createSigner, type Signer, type SignerOptions } from '../index';
import { connect, isFailure, makeCsr, sign, type CallFailure, type ClientIdentity } from './client';
import { createTestState, createToken, TEST_PASSPHRASE, type TestState } from './state';

/** A running test signer and what the tests need around it. */
export interface TestSigner {
  state: TestState;
  signer: Signer;
  telemetry: Telemetry;
  spans: InMemorySpanExporter;
  /** The signer's clock: assign `clock.now` to move it. */
  clock: { now: Date };
  /** A scratch directory removed by close(). */
  tmp: string;
  /** First issuance with a fresh instance-bound token; returns the identity for mTLS. */
  obtain(serviceType: string, instanceId: string): Promise<{ res: SignResponse; identity: ClientIdentity }>;
  close(): Promise<void>;
}

/** Starts a signer with test-friendly options (100 ms polls; `options` override). */
export async function startTestSigner(options: Partial<SignerOptions> = {}): Promise<TestSigner> {
  const clock = { now: new Date() };
  const state = await createTestState({ now: clock.now });
  const spans = new InMemorySpanExporter();
  const telemetry = createTelemetry({ serviceName: 'signer-test', spanExporters: [spans] });
  const signer = await createSigner({
    store: state.store,
    mesh: state.mesh,
    loadKey: (keyRef) => readKeyFile(join(state.dir, keyRef), TEST_PASSPHRASE),
    now: () => clock.now,
    listen: { host: '127.0.0.1', port: 0 },
    adminListen: { host: '127.0.0.1', port: 0 },
    telemetry,
    options: { pollIntervalMs: 100, ...options },
  });
  const tmp = mkdtempSync(join(tmpdir(), 'tm-signer-tmp-'));
  return {
    state,
    signer,
    telemetry,
    spans,
    clock,
    tmp,
    async obtain(serviceType, instanceId) {
      const token = await createToken(state.store, { serviceType, instanceId, now: clock.now });
      const { key, csr } = makeCsr();
      const c = connect(signer.port, state.platformRootPem);
      try {
        const res = expectOk(await sign(c.ca, { csr, serviceType, instanceId, bootstrapToken: token.secret }));
        return { res, identity: { key, chain: res.chain } };
      } finally {
        c.close();
      }
    },
    async close() {
      await signer.close(1000);
      await telemetry.shutdown();
      await state.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** The response, or a thrown error naming the failure (code and reason). */
export function expectOk(r: SignResponse | CallFailure): SignResponse {
  if (isFailure(r)) throw new Error(`expected success, got ${r.code} ${r.reason} ${r.details}`);
  return r;
}

/** A renewal over mTLS as `identity` with a fresh key; the response, or a thrown error naming the failure. */
export async function renew(
  t: TestSigner,
  identity: ClientIdentity,
  serviceType: string,
  instanceId: string,
): Promise<SignResponse> {
  const c = connect(t.signer.port, t.state.platformRootPem, identity);
  try {
    return expectOk(await sign(c.ca, { csr: makeCsr().csr, serviceType, instanceId }));
  } finally {
    c.close();
  }
}

/** `openssl verify -purpose sslclient` of a chain (leaf first) against one root; its output line. */
export function opensslVerify(tmp: string, chain: Buffer[], rootDer: Buffer): string {
  const root = join(tmp, 'root.pem');
  const untrusted = join(tmp, 'inter.pem');
  const leaf = join(tmp, 'leaf.pem');
  writeFileSync(root, pemEncode('CERTIFICATE', rootDer));
  writeFileSync(
    untrusted,
    chain
      .slice(1)
      .map((d) => pemEncode('CERTIFICATE', d))
      .join(''),
  );
  writeFileSync(leaf, pemEncode('CERTIFICATE', chain[0] as Buffer));
  return execFileSync('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', root, '-untrusted', untrusted, leaf], {
    encoding: 'utf8',
  }).trim();
}

/**
 * A DER CSR made by the openssl CLI, for what our own builder refuses to make: `key` is
 * `ec:<curve>` or `rsa:<bits>`; `extra` are more `openssl req` arguments (e.g. `-addext`).
 */
export function opensslCsr(tmp: string, extra: string[], key = 'ec:P-256'): Buffer {
  const keyFile = join(tmp, `k-${Math.random().toString(36).slice(2)}.pem`);
  const [alg, param] = key.split(':') as [string, string];
  const opts =
    alg === 'ec'
      ? ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${param}`]
      : ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${param}`];
  execFileSync('openssl', ['genpkey', ...opts, '-out', keyFile], { stdio: 'pipe' });
  return execFileSync('openssl', ['req', '-new', '-key', keyFile, '-subj', '/CN=test', '-outform', 'DER', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
