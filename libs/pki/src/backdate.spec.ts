/**
 * Leaf notBefore backdating: 60 s by default for clock skew, but never more than a tenth of the
 * lifetime, so a seconds-long test leaf is valid for about what was asked; an explicit value wins.
 */
import { generateKeyPair } from './keys';
import { makeCaSet, T0 } from './testing/fixtures';

const ca = makeCaSet('backdate');
const { publicKey } = generateKeyPair();
const sans = { uris: ['spiffe://example.test/api/a1'] };
const now = new Date(T0.getTime() + 3600_000);

describe('leaf backdating', () => {
  it.each([
    { name: 'ok/24h lifetime: 60 s', ttl: 86_400, backdate: undefined, want: 60 },
    { name: 'ok/10 min lifetime: 60 s (exactly a tenth)', ttl: 600, backdate: undefined, want: 60 },
    { name: 'ok/1 min lifetime: a tenth, 6 s', ttl: 60, backdate: undefined, want: 6 },
    { name: 'ok/10 s lifetime: 1 s', ttl: 10, backdate: undefined, want: 1 },
    { name: 'ok/5 s lifetime: none', ttl: 5, backdate: undefined, want: 0 },
    { name: 'ok/explicit backdate wins', ttl: 10, backdate: 30, want: 30 },
  ])('$name', ({ ttl, backdate, want }) => {
    const leaf = ca.issuer.issue({
      publicKey,
      sans,
      now,
      ttlSeconds: ttl,
      ...(backdate === undefined ? {} : { backdateSeconds: backdate }),
    });
    expect((now.getTime() - leaf.notBefore.getTime()) / 1000).toBe(want);
    expect((leaf.notAfter.getTime() - now.getTime()) / 1000).toBe(ttl);
  });
});
