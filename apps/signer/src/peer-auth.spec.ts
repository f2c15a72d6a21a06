import type { KeyObject } from 'node:crypto';
import { createLeafIssuer, generateKeyPair, PkiError } from '@trustmesh/pki';
import { readSnapshot, X509Cache, type CaSnapshot } from './ca-snapshot';
import { SignerError } from './errors';
import { verifyPeer } from './peer-auth';
import { addCaSet, createTestState, type TestState } from './testing/state';

const now = new Date();
let state: TestState;
let snapshot: CaSnapshot;
let foreign: { der: Buffer; key: KeyObject };

beforeAll(async () => {
  state = await createTestState({ now });
  snapshot = await readSnapshot(state.store);
});
afterAll(() => state.close());

function leafFrom(
  ca: { der: Buffer; key: KeyObject },
  uris: string[],
  o: { at?: Date; ttl?: number; dns?: string[] } = {},
): Buffer {
  const keys = generateKeyPair();
  return createLeafIssuer({ caCertificate: ca.der, caPrivateKey: ca.key }).issue({
    publicKey: keys.publicKey,
    sans: { uris, dns: o.dns ?? [] },
    now: o.at ?? now,
    ttlSeconds: o.ttl ?? 3600,
  }).der;
}

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'none';
  } catch (e) {
    expect(e instanceof PkiError || e instanceof SignerError).toBe(true);
    return (e as { code: string }).code;
  }
}

describe('verifyPeer', () => {
  it('ok/a leaf of the type chains to its root and yields type, instance and serial', () => {
    const leaf = leafFrom(state.cas.api!.intermediate, ['spiffe://example.test/api/p-1']);
    const id = verifyPeer(leaf, snapshot, state.mesh, now, new X509Cache());
    expect(id).toMatchObject({ serviceType: 'api', instanceId: 'p-1', spiffeId: 'spiffe://example.test/api/p-1' });
    expect(id.serialHex).toMatch(/^[0-9a-f]+$/);
  });

  const cases: [string, () => Buffer, Date | undefined, string][] = [
    ['fail/garbage is not a certificate', () => Buffer.from('nope'), undefined, 'PEER_CERT_INVALID'],
    [
      'fail/no URI SAN (DNS only)',
      () => leafFrom(state.cas.api!.intermediate, [], { dns: ['p-0.api.svc'] }),
      undefined,
      'PEER_CERT_INVALID',
    ],
    [
      'fail/two URI SANs',
      () => leafFrom(state.cas.api!.intermediate, ['spiffe://example.test/api/a', 'spiffe://example.test/api/b']),
      undefined,
      'PEER_CERT_INVALID',
    ],
    [
      'fail/foreign trust domain',
      () => leafFrom(state.cas.api!.intermediate, ['spiffe://other.test/api/p-2']),
      undefined,
      'PEER_CERT_INVALID',
    ],
    [
      'fail/names api but issued by the db CA',
      () => leafFrom(state.cas.db!.intermediate, ['spiffe://example.test/api/p-3']),
      undefined,
      'CHAIN_UNTRUSTED',
    ],
    [
      'fail/issued by a CA the signer does not know',
      () => leafFrom(foreign, ['spiffe://example.test/api/p-4']),
      undefined,
      'CHAIN_UNTRUSTED',
    ],
    [
      'fail/expired at the signer clock',
      () => leafFrom(state.cas.api!.intermediate, ['spiffe://example.test/api/p-5']),
      new Date(now.getTime() + 2 * 3600_000),
      'CHAIN_EXPIRED',
    ],
    [
      'fail/not yet valid at the signer clock',
      () => leafFrom(state.cas.api!.intermediate, ['spiffe://example.test/api/p-6']),
      new Date(now.getTime() - 3600_000),
      'CHAIN_NOT_YET_VALID',
    ],
  ];
  beforeAll(async () => {
    foreign = (await addCaSet({ dir: state.dir, store: null }, 'api', { now })).intermediate;
  });
  it.each(cases)('%s', (_n, make, at, code) => {
    expect(codeOf(() => verifyPeer(make(), snapshot, state.mesh, at ?? now, new X509Cache()))).toBe(code);
  });

  it('fail/a remembered leaf is still checked against the clock of each call', () => {
    const cache = new X509Cache();
    const leaf = leafFrom(state.cas.api!.intermediate, ['spiffe://example.test/api/p-8']);
    expect(verifyPeer(leaf, snapshot, state.mesh, now, cache).instanceId).toBe('p-8');
    expect(codeOf(() => verifyPeer(leaf, snapshot, state.mesh, new Date(now.getTime() + 2 * 3600_000), cache))).toBe(
      'CHAIN_EXPIRED',
    );
    expect(codeOf(() => verifyPeer(leaf, snapshot, state.mesh, new Date(now.getTime() - 3600_000), cache))).toBe(
      'CHAIN_NOT_YET_VALID',
    );
    expect(verifyPeer(leaf, snapshot, state.mesh, now, cache).instanceId).toBe('p-8');
  });

  it('fail/a leaf from a retired intermediate no longer authenticates, even when remembered', async () => {
    const cache = new X509Cache();
    const leaf = leafFrom(state.cas.db!.intermediate, ['spiffe://example.test/db/p-7']);
    expect(verifyPeer(leaf, snapshot, state.mesh, now, cache).serviceType).toBe('db');
    await state.store.setCaState(state.cas.db!.intermediate.id, 'retired');
    const after = await readSnapshot(state.store);
    expect(codeOf(() => verifyPeer(leaf, after, state.mesh, now, cache))).toBe('CHAIN_UNTRUSTED');
    expect(codeOf(() => verifyPeer(leaf, after, state.mesh, now, new X509Cache()))).toBe('CHAIN_UNTRUSTED');
  });
});
