/** Bootstrap tokens: the hash the signer compares, the record the store keeps, the expiry. */
import { hashToken, newToken } from './tokens';

const NOW = new Date('2030-01-01T00:00:00Z');

describe('hashToken', () => {
  it.each<[string, string, string]>([
    [
      'ok/SHA-256 hex of the UTF-8 text (FIPS 180-2 "abc")',
      'abc',
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    ],
    ['ok/the empty string', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [
      'ok/non-ASCII text is hashed as its UTF-8 bytes (c3 a4), not Latin-1',
      '\u00e4',
      '33e6d73fee82904c8d7afb78de1154d1e8dc2a0edb08120e63df5b9385c2d9cc',
    ],
  ])('%s', (_name, secret, want) => {
    expect(hashToken(secret)).toBe(want);
  });
});

describe('newToken', () => {
  it.each<[string, { instanceId: string | null; ttlSeconds: number }]>([
    ['ok/bound to the type only, 1 hour', { instanceId: null, ttlSeconds: 3600 }],
    ['ok/bound to one instance, 7 days', { instanceId: 'api-1', ttlSeconds: 7 * 86_400 }],
  ])('%s', (_name, o) => {
    const t = newToken({ serviceType: 'api', now: NOW, ...o });
    expect(t.secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(t.record).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      hash: hashToken(t.secret),
      serviceType: 'api',
      instanceId: o.instanceId,
      createdAt: NOW,
      expiresAt: new Date(NOW.getTime() + o.ttlSeconds * 1000),
      usedAt: null,
      revokedAt: null,
    });
  });

  it('fail/two tokens never share a secret, an id or a hash', () => {
    const a = newToken({ serviceType: 'api', instanceId: null, ttlSeconds: 60, now: NOW });
    const b = newToken({ serviceType: 'api', instanceId: null, ttlSeconds: 60, now: NOW });
    expect([a.secret === b.secret, a.record.id === b.record.id, a.record.hash === b.record.hash]).toEqual([
      false,
      false,
      false,
    ]);
  });
});
