/**
 * Helpers of the demo's rotation end-to-end tests: one rotation step run through the real CLI and
 * re-tried while the CLI refuses it as unsafe (as the demo's rotation.ts does, with the test's own
 * short window and bounds), each sidecar's identity from its admin `/identity`, the signer's trust
 * bundle over GetTrustBundle, and the store's issued certificates and audit trail (read-only).
 */
import { credentials, Metadata } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { CertificateAuthorityClient, type TrustBundle } from '@trustmesh/proto';
import { withStateStore as withStore } from '@trustmesh/ca/testing';
import { runCli, type CliRun } from '../demo-state';
import { childEnv, REPO_ROOT, TRUSTMESH_BIN } from '../mesh';

/** Runs `trustmesh <args>` like the demo does (bounded: 30 s); never rejects. */
export function tm(args: readonly string[]): Promise<CliRun> {
  return runCli(TRUSTMESH_BIN, args, REPO_ROOT, childEnv());
}

/** The `CODE` of a `trustmesh: CODE: message` stderr line, if any. */
export function errorCodeOf(stderr: string): string | undefined {
  return /^trustmesh: ([A-Z_]+):/m.exec(stderr)?.[1];
}

/** Outcome of {@link untilDone}: the successful run and the refusal lines seen before it. */
export interface StepDone {
  readonly run: CliRun;
  readonly refusals: string[];
  readonly ms: number;
}

/**
 * Runs `trustmesh <args>` until it exits 0, waiting `retryMs` after each ROTATION_NOT_SAFE refusal.
 * @throws Error naming the step and its last stderr line on any other failure, or when refusals
 *   outlast `limitMs`
 */
export async function untilDone(args: readonly string[], limitMs: number, retryMs = 1000): Promise<StepDone> {
  const t0 = Date.now();
  const refusals: string[] = [];
  for (;;) {
    const run = await tm(args);
    if (run.code === 0) return { run, refusals, ms: Date.now() - t0 };
    const last = run.stderr.trim().split('\n').pop() ?? '';
    if (errorCodeOf(run.stderr) !== 'ROTATION_NOT_SAFE' || Date.now() - t0 > limitMs) {
      throw new Error(`trustmesh ${args.slice(0, 6).join(' ')}: ${last} (after ${refusals.length} refusals)`);
    }
    refusals.push(last);
    await new Promise((r) => setTimeout(r, retryMs));
  }
}

/** A CA as `trustmesh ca list --json` prints it. */
export interface CaJson {
  readonly id: string;
  readonly serviceType: string;
  readonly role: 'root' | 'intermediate';
  readonly parentId: string | null;
  readonly state: string;
  readonly subject: string;
}

/** `trustmesh ca list --json` of `state`. @throws Error when the command fails */
export async function caList(state: string): Promise<CaJson[]> {
  const r = await tm(['ca', 'list', '--json', '--dir', state]);
  if (r.code !== 0) throw new Error(`ca list: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as CaJson[];
}

/** The one CA of `type` with `role` and `state` in `cas`. @throws Error naming what exists otherwise */
export function onlyCa(cas: readonly CaJson[], type: string, role: CaJson['role'], state: string): CaJson {
  const found = cas.filter((c) => c.serviceType === type && c.role === role && c.state === state);
  if (found.length !== 1) {
    throw new Error(
      `${type}: expected one ${role} ${state}, found ${cas
        .filter((c) => c.serviceType === type)
        .map((c) => `${c.role}:${c.state}`)
        .join(' ')}`,
    );
  }
  return found[0] as CaJson;
}

/** What a sidecar's admin `GET /identity` says. */
export interface SidecarIdentity {
  readonly spiffeId: string;
  readonly serial: string;
  readonly issuer: string;
  readonly notAfter: string;
  readonly secondsToExpiry: number;
  readonly bundleVersion: number;
}

/** `GET /identity` of the sidecar admin on `port` (bounded: 2 s). @throws Error when not 200 */
export function sidecarIdentity(port: number): Promise<SidecarIdentity> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/identity', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(JSON.parse(body) as SidecarIdentity)
          : reject(new Error(`/identity on ${port}: ${res.statusCode}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`/identity on ${port}: timed out`)));
    req.on('error', reject);
  });
}

/** The signer's current bundle (GetTrustBundle over TLS, no client certificate; bounded: 10 s). */
export async function trustBundle(signerPort: number, platformRootFile: string): Promise<TrustBundle> {
  const client = new CertificateAuthorityClient(
    `127.0.0.1:${signerPort}`,
    credentials.createSsl(readFileSync(platformRootFile)),
  );
  try {
    return await new Promise<TrustBundle>((resolve, reject) =>
      client.getTrustBundle({ serviceTypes: [] }, new Metadata(), { deadline: Date.now() + 10_000 }, (err, r) =>
        err ? reject(err) : resolve(r as TrustBundle),
      ),
    );
  } finally {
    client.close();
  }
}

/** Root CA ids per type in `bundle`. */
export function bundleAnchors(bundle: TrustBundle): Record<string, string[]> {
  return Object.fromEntries(bundle.types.map((t) => [t.serviceType, t.anchors.map((a) => a.caId).sort()]));
}

/** Runs `fn` on the state's store, closing it afterwards (libs/ca's test helper). */
export { withStore };

/** Issuing CA id of the leaf with `serialHex` as the signer recorded it, or undefined. */
export function issuingCaOf(state: string, serialHex: string): Promise<string | undefined> {
  const serial = serialHex.toLowerCase();
  return withStore(state, async (s) => (await s.listIssued()).find((r) => r.serialHex === serial)?.caId);
}

/** Audit records whose action starts with `prefix`, as `action outcome [reason] type`. */
export function auditTrail(state: string, prefix: string): Promise<string[]> {
  return withStore(state, async (s) =>
    (await s.listAudit())
      .filter((a) => a.action.startsWith(prefix))
      .map((a) => [a.action, a.outcome, a.reason ?? '-', String(a.details?.serviceType ?? '-')].join(' ')),
  );
}
