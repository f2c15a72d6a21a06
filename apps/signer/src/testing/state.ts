/**
 * Test helper: a state directory laid out like `trustmesh init` makes it (D/trustmesh.db,
 * D/mesh.yaml, D/keys/<caId>.key, D/offline/<caId>.key, D/platform-root.pem; every name from
 * @trustmesh/ca's layout), built directly with libs/pki + libs/store + libs/keystore. Keys are
 * generated per test run (never committed) and encrypted with the fast KDF.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToken, keyRefFor, LAYOUT, META, PLATFORM_TYPE, statePath } from '@trustmesh/ca';
import { FAST_KDF, readKeyFile, writeKeyFile } from '@trustmesh/keystore';
import {
  createIntermediateCertificate,
  createLeafIssuer,
  createRootCertificate,
  generateKeyPair,
  pemEncode,
} from '@trustmesh/pki';
import { parseMeshConfig, type MeshConfig } from '@trustmesh/policy';
import { openSqliteStore, type CaState, type Store } from '@trustmesh/store';

export const TEST_PASSPHRASE = 'correct horse battery staple';
export const TRUST_DOMAIN = 'example.test';

/** The default mesh of the signer tests: api (DNS template, accepts web), db, web. */
export const TEST_MESH_YAML = `trustDomain: ${TRUST_DOMAIN}
types:
  web: { dials: [api] }
  api:
    accepts: [web]
    dials: [db]
    leafTtl: 1h
    maxTtl: 2h
    dnsTemplates: ['{instance}.{type}.svc']
  db: { accepts: [api] }
`;

/** One CA (root or intermediate) as created for a test, with its key. */
export interface TestCa {
  id: string;
  der: Buffer;
  key: KeyObject;
}

/** A CA set: root + issuing intermediate of one type. */
export interface TestCaSet {
  root: TestCa;
  intermediate: TestCa;
}

/** A test state directory with its open store. */
export interface TestState {
  dir: string;
  store: Store;
  mesh: MeshConfig;
  cas: Record<string, TestCaSet>;
  platformRootPem: string;
  /** Loads a CA key as the signer does. */
  loadKeyPassphrase: string;
  close(): Promise<void>;
}

/**
 * Creates the state: a platform CA set plus one per mesh type, all active, bundle_version 1.
 * `now` anchors every validity period (CAs valid from now-1d to now+365d).
 */
export async function createTestState(o: { now: Date; meshYaml?: string }): Promise<TestState> {
  const dir = mkdtempSync(join(tmpdir(), 'tm-signer-'));
  mkdirSync(statePath(dir, LAYOUT.keys), { mode: 0o700 });
  mkdirSync(statePath(dir, LAYOUT.offline), { mode: 0o700 });
  const yaml = o.meshYaml ?? TEST_MESH_YAML;
  writeFileSync(statePath(dir, LAYOUT.mesh), yaml);
  const mesh = parseMeshConfig(yaml);
  const store = await openSqliteStore(statePath(dir, LAYOUT.db), { create: true });
  const cas: Record<string, TestCaSet> = {};
  for (const type of [PLATFORM_TYPE, ...Object.keys(mesh.types)]) {
    cas[type] = await addCaSet({ dir, store }, type, { now: o.now });
  }
  await store.setMeta(META.bundleVersion, '1');
  const platformRootPem = pemEncode('CERTIFICATE', (cas[PLATFORM_TYPE] as TestCaSet).root.der);
  writeFileSync(statePath(dir, LAYOUT.platformRoot), platformRootPem);
  return {
    dir,
    store,
    mesh,
    cas,
    platformRootPem,
    loadKeyPassphrase: TEST_PASSPHRASE,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Adds a root + intermediate of `type` to the store (states default active/active) and writes
 * their encrypted keys. With `store: null` nothing is recorded: a foreign CA set that the signer
 * does not know (for "renewal with a certificate from a foreign CA").
 */
export async function addCaSet(
  s: { dir: string; store: Store | null },
  type: string,
  o: { now: Date; rootState?: CaState; intermediateState?: CaState; notAfterDays?: number },
): Promise<TestCaSet> {
  const notBefore = new Date(o.now.getTime() - 86_400_000);
  const notAfter = new Date(o.now.getTime() + (o.notAfterDays ?? 365) * 86_400_000);
  const rootKeys = generateKeyPair('ec-p256');
  const rootDer = createRootCertificate({
    ...rootKeys,
    subject: { commonName: `${type} root`, organization: 'TrustMesh test' },
    notBefore,
    notAfter,
  });
  const interKeys = generateKeyPair('ec-p256');
  const interDer = createIntermediateCertificate({
    publicKey: interKeys.publicKey,
    subject: { commonName: `${type} intermediate`, organization: 'TrustMesh test' },
    issuer: { certificate: rootDer, privateKey: rootKeys.privateKey },
    notBefore,
    notAfter,
  });
  const root: TestCa = {
    id: createLeafIssuer({ caCertificate: rootDer, caPrivateKey: rootKeys.privateKey }).caId,
    der: rootDer,
    key: rootKeys.privateKey,
  };
  const intermediate: TestCa = {
    id: createLeafIssuer({ caCertificate: interDer, caPrivateKey: interKeys.privateKey }).caId,
    der: interDer,
    key: interKeys.privateKey,
  };
  if (s.store) {
    const kdf = FAST_KDF;
    await writeKeyFile(statePath(s.dir, keyRefFor('root', root.id)), root.key, { passphrase: TEST_PASSPHRASE, kdf });
    await writeKeyFile(statePath(s.dir, keyRefFor('intermediate', intermediate.id)), intermediate.key, {
      passphrase: TEST_PASSPHRASE,
      kdf,
    });
    const createdAt = o.now;
    await s.store.putCa({
      id: root.id,
      serviceType: type,
      role: 'root',
      parentId: null,
      state: o.rootState ?? 'active',
      subject: `CN=${type} root`,
      certificateDer: root.der,
      keyRef: keyRefFor('root', root.id),
      notBefore,
      notAfter,
      createdAt,
    });
    await s.store.putCa({
      id: intermediate.id,
      serviceType: type,
      role: 'intermediate',
      parentId: root.id,
      state: o.intermediateState ?? 'active',
      subject: `CN=${type} intermediate`,
      certificateDer: intermediate.der,
      keyRef: keyRefFor('intermediate', intermediate.id),
      notBefore,
      notAfter,
      createdAt,
    });
  }
  return { root, intermediate };
}

/**
 * Creates a bootstrap token (stored hashed) and returns its secret. `instanceId` null binds the
 * token to the type only.
 */
export async function createToken(
  store: Store,
  o: { serviceType: string; instanceId?: string | null; now: Date; ttlSeconds?: number },
): Promise<{ id: string; secret: string }> {
  const secret = `tmb_${randomBytes(24).toString('base64url')}`;
  const id = randomBytes(8).toString('hex');
  await store.putToken({
    id,
    hash: hashToken(secret),
    serviceType: o.serviceType,
    instanceId: o.instanceId ?? null,
    createdAt: o.now,
    expiresAt: new Date(o.now.getTime() + (o.ttlSeconds ?? 3600) * 1000),
    usedAt: null,
    revokedAt: null,
  });
  return { id, secret };
}

/**
 * The createSigner dependencies every test over `state` shares: its store and mesh, keys loaded
 * with the test passphrase, the real clock, a listener on 127.0.0.1:0.
 */
export function baseSignerDeps(state: TestState) {
  return {
    store: state.store,
    mesh: state.mesh,
    loadKey: (ref: string) => readKeyFile(statePath(state.dir, ref), TEST_PASSPHRASE),
    now: () => new Date(),
    listen: { host: '127.0.0.1', port: 0 },
  };
}
