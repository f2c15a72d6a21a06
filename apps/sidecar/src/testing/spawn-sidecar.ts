/**
 * Spawns {@link ./child-sidecar.ts} as a real child process and waits for its READY line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { resolve } from 'node:path';
import type { Identity } from '../identity/identity';
import type { TestCa } from './test-mesh';

const ROOT = resolve(__dirname, '../../../..');

/** A running child sidecar. */
export interface ChildSidecar {
  readonly child: ChildProcess;
  readonly ports: Readonly<Record<string, number>>;
  /** Everything written to stderr so far (JSON log lines). */
  stderr(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

/** Starts a child sidecar with `identity` and the roots of `cas`; rejects if it is not ready in 10 s. */
export function spawnSidecar(
  yaml: string,
  identity: Identity,
  cas: readonly TestCa[],
  quiet = false,
): Promise<ChildSidecar> {
  const child = spawn(
    process.execPath,
    [resolve(ROOT, 'tools/scripts/run-ts.js'), resolve(__dirname, 'child-sidecar.ts')],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const roots: Record<string, string[]> = {};
  for (const ca of cas) (roots[ca.type] ??= []).push(new X509Certificate(ca.root).toString());
  child.stdin?.end(
    `${JSON.stringify({
      yaml,
      keyPem: identity.keyPem,
      chainPem: identity.chain.map((c) => new X509Certificate(c).toString()),
      roots,
      bundleVersion: 1,
      quiet,
    })}\n`,
  );
  return new Promise((resolveReady, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child sidecar not ready: ${err}`));
    }, 10_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\{.*\})\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveReady({ child, ports: JSON.parse(m[1]), stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`child sidecar exited with ${code}: ${err}`));
    });
  });
}

/**
 * Config of an `api` sidecar child with one inbound route `http` accepting `web` and forwarding to
 * 127.0.0.1:`forwardPort`; `limits` is the YAML flow mapping of its limits. The signer fields are
 * placeholders: spawnSidecar hands the identity and trust in directly.
 */
export function apiInboundYaml(forwardPort: number, limits: string): string {
  return [
    'serviceType: api',
    'signer: { address: 127.0.0.1:7443, caFile: ca.pem, tokenFile: token }',
    'admin: { listen: 127.0.0.1:0 }',
    'inbound:',
    `  - { name: http, listen: 127.0.0.1:0, forward: 127.0.0.1:${forwardPort}, accept: [web] }`,
    `limits: ${limits}`,
  ].join('\n');
}
