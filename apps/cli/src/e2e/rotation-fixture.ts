/**
 * Helpers of the rotation tests: a state directory with a web → api → db mesh, direct store
 * access (as the signer would write reports and issued leaves), leaves issued the way the
 * signer issues them, to judge the new chains with openssl, and a rotation step killed midway.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readKeyFile } from '@trustmesh/keystore';
import { createLeafIssuer, generateKeyPair, pemEncode, spiffeId, spkiPin } from '@trustmesh/pki';
import type { CaRecord, IssuedCertRecord } from '@trustmesh/store';
import { META, renewBeforeMetaKey } from '@trustmesh/ca';
import { withStateStore as withStore } from '@trustmesh/ca/testing';
import { cli, PASS, ROOT } from './harness';

export const MESH_YAML = `trustDomain: example.test
types:
  web: { dials: [api] }
  api: { accepts: [web], dials: [db] }
  db: { accepts: [api] }
`;

/** `trustmesh init` of `state` with the web → api → db mesh (config file written under `tmp`). */
export function initMesh(tmp: string, state: string): void {
  const config = join(tmp, `mesh-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(config, MESH_YAML);
  const r = cli(['init', '--dir', state, '--config', config]);
  if (r.code !== 0) throw new Error(`init failed: ${r.stderr}`);
}

/**
 * Runs one rotation step on `state` in a child process (libs/ca/src/testing/crash-step.ts) that
 * SIGKILLs itself right after the step's key files are written (`keys`) or its store transaction
 * committed (`store`). Resolves to how it ended: `signal` is 'SIGKILL' when it died at the point.
 */
export function crashStep(
  tmp: string,
  state: string,
  type: string,
  step: 'prepare' | 'intermediate' | 'retire',
  point: 'keys' | 'store',
): { signal: NodeJS.Signals | null; code: number | null; stderr: string } {
  const passFile = join(tmp, `pass-${Math.random().toString(36).slice(2)}`);
  writeFileSync(passFile, `${PASS}\n`, { mode: 0o600 });
  const r = spawnSync(
    process.execPath,
    [
      'tools/scripts/run-ts.js',
      'libs/ca/src/testing/crash-step.ts',
      '--dir',
      state,
      '--type',
      type,
      '--step',
      step,
      '--crash-after',
      point,
      '--passphrase-file',
      passFile,
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 60_000 },
  );
  return { signal: r.signal, code: r.status, stderr: r.stderr };
}

/** Runs `fn` on the state's store, closing it afterwards (the CLI child must never see it open mid-write). */
export { withStore };

/** CA records of a type as [role, state] pairs keyed by id, plus the bundle version and the type's hint. */
export async function typeState(
  state: string,
  type: string,
): Promise<{ cas: CaRecord[]; version: string | null; hint: string | null; states: Record<string, string> }> {
  return withStore(state, async (s) => {
    const cas = await s.listCas({ serviceType: type });
    return {
      cas,
      version: await s.getMeta(META.bundleVersion),
      hint: await s.getMeta(renewBeforeMetaKey(type)),
      states: Object.fromEntries(cas.map((c) => [c.id, `${c.role}:${c.state}`])),
    };
  });
}

/** A leaf for `type/instance` issued by `ca` (key read from the state directory), recorded in the store when `record`. */
export async function issueLeaf(
  state: string,
  ca: CaRecord,
  instance: string,
  o: { now?: Date; ttlSeconds?: number; record?: boolean } = {},
): Promise<{ pem: string; record: IssuedCertRecord }> {
  const key = await readKeyFile(join(state, ca.keyRef), PASS);
  const issuer = createLeafIssuer({ caCertificate: ca.certificateDer, caPrivateKey: key });
  const kp = generateKeyPair('ec-p256');
  const uri = spiffeId('example.test', ca.serviceType, instance);
  const now = o.now ?? new Date();
  const leaf = issuer.issue({
    publicKey: kp.publicKey,
    sans: { uris: [uri] },
    subject: { commonName: instance },
    now,
    ttlSeconds: o.ttlSeconds ?? 3600,
  });
  const record: IssuedCertRecord = {
    serialHex: leaf.serialHex.toLowerCase(),
    serviceType: ca.serviceType,
    instanceId: instance,
    spiffeId: uri,
    sans: { dns: [], uris: [uri], ips: [] },
    caId: issuer.caId,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    spkiPin: spkiPin(kp.publicKey),
    issuedAt: now,
  };
  if (o.record) await withStore(state, (s) => s.recordIssued(record));
  return { pem: pemEncode('CERTIFICATE', leaf.der), record };
}

/** Stores a sidecar status report as the signer's ReportStatus would. */
export function putReport(
  state: string,
  type: string,
  instance: string,
  report: {
    bundleVersion: number;
    caId?: string;
    fallbacks?: { peerType: string; peerAddress: string; kind: string; count: number; lastAtUnix: number }[];
  },
): Promise<void> {
  return withStore(state, (s) =>
    s.putStatusReport({
      instanceId: instance,
      serviceType: type,
      receivedAt: new Date(),
      report: {
        serialHex: '01',
        caId: report.caId ?? '',
        notAfterUnix: 0,
        bundleVersion: report.bundleVersion,
        fallbacks: report.fallbacks ?? [],
        previousIdentities: [],
      },
    }),
  );
}

/** PEM of a CA record. */
export function pemOf(ca: CaRecord): string {
  return pemEncode('CERTIFICATE', ca.certificateDer);
}

/** The one CA of `type` with role and state, or a thrown error naming what exists. */
export function only(cas: readonly CaRecord[], role: 'root' | 'intermediate', state: string): CaRecord {
  const found = cas.filter((c) => c.role === role && c.state === state);
  if (found.length !== 1)
    throw new Error(
      `expected one ${role} in state ${state}, found ${found.length}: ${cas.map((c) => `${c.role}:${c.state}`).join(' ')}`,
    );
  return found[0] as CaRecord;
}

/** Audit records with an action, as [action, outcome, reason]. */
export function auditTrail(state: string, prefix: string): Promise<[string, string, string | undefined][]> {
  return withStore(state, async (s) =>
    (await s.listAudit()).filter((a) => a.action.startsWith(prefix)).map((a) => [a.action, a.outcome, a.reason]),
  );
}
