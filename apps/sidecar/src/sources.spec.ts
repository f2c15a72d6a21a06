/**
 * Identity and trust sources: ordering, fallback window, validation, monotonic versions.
 */
import { generateKeyPair } from '@trustmesh/pki';
import { createIdentity } from './identity/identity';
import { IdentityStore } from './identity/identity-source';
import { bundleOf, createTestCa, issueTestIdentity } from './testing/test-mesh';
import { createTrustBundle, TrustStore } from './trust/trust-source';

const now = new Date('2026-11-24T05:00:00Z');
const api = createTestCa('api', now);

describe('IdentityStore', () => {
  it('ok/newest first, keeps `keep` identities, usable() drops expired ones', () => {
    const store = new IdentityStore({ keep: 2 });
    const calls: number[] = [];
    store.onChange(() => calls.push(1));
    const short = issueTestIdentity(api, { now, ttlSeconds: 60 });
    const a = issueTestIdentity(api, { now });
    const b = issueTestIdentity(api, { now });
    store.set(short);
    store.set(a);
    store.set(a); // same serial: no change
    expect(store.usable(now).map((i) => i.serialHex)).toEqual([a.serialHex, short.serialHex]);
    expect(store.usable(new Date(now.getTime() + 120_000)).map((i) => i.serialHex)).toEqual([a.serialHex]);
    store.set(b);
    expect(store.usable(now).map((i) => i.serialHex)).toEqual([b.serialHex, a.serialHex]);
    expect(store.current()?.serialHex).toBe(b.serialHex);
    expect(calls).toHaveLength(3);
  });
});

describe('createIdentity', () => {
  const leaf = issueTestIdentity(api, { now });
  it.each([
    ['fail/empty chain', () => createIdentity(leaf.privateKey, [])],
    ['fail/key does not match the leaf', () => createIdentity(generateKeyPair().privateKey, leaf.chain)],
    ['fail/garbage certificate', () => createIdentity(leaf.privateKey, [Buffer.from('nope')])],
    ['fail/leaf without a SPIFFE ID', () => issueTestIdentity(api, { now, uri: 'https://example.test/api/x' })],
  ])('%s', (_name, make) => {
    expect(make).toThrow(expect.objectContaining({ code: 'IDENTITY_INVALID' }));
  });

  it('ok/fields come from the leaf', () => {
    expect(leaf).toMatchObject({ spiffeId: 'spiffe://example.test/api/api-1', spiffe: { serviceType: 'api' } });
    expect(leaf.notAfter.getTime() - leaf.notBefore.getTime()).toBeGreaterThanOrEqual(3600_000);
  });
});

describe('TrustStore', () => {
  it('ok/versions only move forward; refresh shares one fetch', async () => {
    let fetches = 0;
    const store = new TrustStore({
      fetch: async () => {
        fetches += 1;
        return bundleOf(3, [api]);
      },
    });
    expect(store.set(bundleOf(2, [api]))).toBe(true);
    expect(store.set(bundleOf(1, [api]))).toBe(false);
    expect(store.set(bundleOf(2, [api]))).toBe(false);
    await Promise.all([store.refresh(), store.refresh()]);
    expect(fetches).toBe(1);
    expect(store.current()?.version).toBe(3);
  });

  it.each([
    ['fail/an intermediate is not an anchor', () => createTrustBundle(1, { api: [api.intermediate] })],
    ['fail/garbage', () => createTrustBundle(1, { api: ['not a certificate'] })],
    ['fail/negative version', () => createTrustBundle(-1, { api: [api.root] })],
  ])('%s', (_name, make) => {
    expect(make).toThrow(expect.objectContaining({ code: 'TRUST_INVALID' }));
  });
});
