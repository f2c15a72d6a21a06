/**
 * Certificates for the sidecar benchmark, all from one `trustmesh init` state directory
 * (development keys: the KDF is not what is measured). TrustMesh sidecars get theirs from the
 * signer with bootstrap tokens; stunnel and haproxy get api and db leaves issued here with
 * libs/pki from the same issuing intermediates, so every pair trusts the same roots. A rogue
 * CA (not in the mesh) makes the "wrong CA" certificate of the mTLS check.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT, statePath } from '@trustmesh/ca';
import {
  createLeafIssuer,
  createRootCertificate,
  exportPrivateKey,
  generateKeyPair,
  importPrivateKey,
  pemEncode,
  spiffeId,
} from '@trustmesh/pki';

/** The repository root (commands run from here). */
export const ROOT = join(__dirname, '..', '..');
/** Trust domain of the benchmark mesh. */
export const TRUST_DOMAIN = 'bench.test';
const CLI = join(ROOT, 'apps/cli/bin/trustmesh.js');

/** PEM files of one leaf: `chain` (leaf + intermediate), `key`, and `combined` (chain + key, haproxy's format). */
export interface LeafFiles {
  chain: string;
  key: string;
  combined: string;
  chainPem: string;
  keyPem: string;
}

/** Everything {@link makeCerts} wrote: the state directory, roots, and the leaf files. */
export interface BenchCerts {
  state: string;
  platformRoot: string;
  apiRoot: string;
  dbRoot: string;
  /** CN and DNS `api.internal`, SPIFFE `spiffe://bench.test/api/bench-client`. */
  api: LeafFiles;
  /** CN and DNS `db.internal`, SPIFFE `spiffe://bench.test/db/bench-server`. */
  db: LeafFiles;
  /** Same names as `api`, issued by a CA outside the mesh. */
  rogue: LeafFiles;
}

/** Runs the real CLI; throws with its stderr on a non-zero exit. */
export function cli(args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface CaRow {
  id: string;
  serviceType: string;
  role: string;
  state: string;
  keyRef: string;
}

function writeLeaf(
  dir: string,
  name: string,
  issuer: ReturnType<typeof createLeafIssuer>,
  caPem: string,
  cn: string,
  uri: string,
  now: Date,
): LeafFiles {
  const kp = generateKeyPair();
  const leaf = issuer.issue({
    publicKey: kp.publicKey,
    sans: { dns: [cn], uris: [uri] },
    subject: { commonName: cn },
    now,
    ttlSeconds: 24 * 3600,
  });
  const chainPem = pemEncode('CERTIFICATE', leaf.der) + caPem;
  const keyPem = exportPrivateKey(kp.privateKey, 'pem') as string;
  const files = {
    chain: join(dir, `${name}.chain.pem`),
    key: join(dir, `${name}.key`),
    combined: join(dir, `${name}.combined.pem`),
    chainPem,
    keyPem,
  };
  writeFileSync(files.chain, chainPem);
  writeFileSync(files.key, keyPem, { mode: 0o600 });
  writeFileSync(files.combined, chainPem + keyPem, { mode: 0o600 });
  return files;
}

/** `trustmesh init` for a mesh where api dials db, then the leaves and roots as files in `dir`. */
export function makeCerts(dir: string): BenchCerts {
  const state = join(dir, 'state');
  const mesh = join(dir, 'trustmesh.yaml');
  writeFileSync(mesh, `trustDomain: ${TRUST_DOMAIN}\ntypes:\n  api: { dials: [db] }\n  db: { accepts: [api] }\n`);
  cli(['init', '--dir', state, '--config', mesh, '--insecure-plaintext-keys']);
  const cas = JSON.parse(cli(['ca', 'list', '--dir', state, '--json'])) as CaRow[];
  const now = new Date();
  const files = (type: string) => {
    const root = join(dir, `${type}-root.pem`);
    writeFileSync(root, cli(['ca', 'export', type, '--root', '--dir', state]));
    const caPem = cli(['ca', 'export', type, '--dir', state]);
    const row = cas.find((c) => c.serviceType === type && c.role === 'intermediate' && c.state === 'active');
    if (!row) throw new Error(`no active ${type} intermediate in ${state}`);
    const issuer = createLeafIssuer({
      caCertificate: Buffer.from(caPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
      caPrivateKey: importPrivateKey(readFileSync(join(state, row.keyRef), 'utf8')),
    });
    return { root, caPem, issuer };
  };
  const api = files('api');
  const db = files('db');
  // init wrote the platform root (what `ca export platform --root` prints) into the state directory.
  const platformRoot = statePath(state, LAYOUT.platformRoot);

  const rogueKp = generateKeyPair();
  const rogueCa = createRootCertificate({
    privateKey: rogueKp.privateKey,
    publicKey: rogueKp.publicKey,
    subject: { commonName: 'Rogue Root CA' },
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 24 * 3600_000),
    pathLen: 0,
  });
  const rogueIssuer = createLeafIssuer({ caCertificate: rogueCa, caPrivateKey: rogueKp.privateKey });

  return {
    state,
    platformRoot,
    apiRoot: api.root,
    dbRoot: db.root,
    api: writeLeaf(
      dir,
      'api',
      api.issuer,
      api.caPem,
      'api.internal',
      spiffeId(TRUST_DOMAIN, 'api', 'bench-client'),
      now,
    ),
    db: writeLeaf(dir, 'db', db.issuer, db.caPem, 'db.internal', spiffeId(TRUST_DOMAIN, 'db', 'bench-server'), now),
    rogue: writeLeaf(
      dir,
      'rogue',
      rogueIssuer,
      pemEncode('CERTIFICATE', rogueCa),
      'api.internal',
      spiffeId(TRUST_DOMAIN, 'api', 'bench-client'),
      now,
    ),
  };
}
