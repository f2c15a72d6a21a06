/**
 * Property test: mutated certificates (bit flips, truncation, insertion, byte overwrite, slice
 * duplication) never make inspect throw anything but a PkiError. The CSR parser's twin, which
 * seeds from an openssl-made CSR too, is csr-fuzz.openssl.e2e.ts.
 */
import fc from 'fast-check';
import { generateKeyPair, inspect, PkiError } from './index';
import { makeCaSet, T0 } from './testing/fixtures';
import { apply, mutation } from './testing/mutate';

describe('inspect (certificate parser) under mutation', () => {
  it('ok/5000 mutated certificates: only PkiError comes out', () => {
    const ca = makeCaSet('fuzz');
    const leaf = ca.issuer.issue({
      publicKey: generateKeyPair().publicKey,
      sans: { dns: ['a.internal'], uris: ['spiffe://example.test/a/1'], ips: ['::1'] },
      now: T0,
      ttlSeconds: 60,
    });
    const seeds = [leaf.der, ca.inter, ca.root];
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seedIndex, muts) => {
        try {
          inspect(apply(seeds[seedIndex % seeds.length], muts));
        } catch (err) {
          if (!(err instanceof PkiError)) throw err;
        }
      }),
      { numRuns: 5000, seed: 20261125 },
    );
  }, 60_000);
});
