/**
 * Property test: mutated CSRs (bit flips, truncation, insertion, byte overwrite, slice
 * duplication) never make parseCsr throw anything but a PkiError, and never hang. One seed is
 * an RSA CSR made by the openssl CLI, so this is an e2e test.
 */
import fc from 'fast-check';
import { buildCsr, generateKeyPair, parseCsr, PkiError } from './index';
import { apply, mutation, stopwatch } from './testing/mutate';
import { opensslOk, readFileSync, tempDir } from './testing/openssl';

const RUNS = 20_000;

describe('parseCsr under mutation', () => {
  const tmp = tempDir();
  const seeds: Buffer[] = [];
  beforeAll(() => {
    const sans = { dns: ['api.internal'], uris: ['spiffe://example.test/api/i-1'], ips: ['10.0.0.1'] };
    seeds.push(buildCsr({ privateKey: generateKeyPair('ec-p256').privateKey, subject: { commonName: 'api' }, sans }));
    seeds.push(buildCsr({ privateKey: generateKeyPair('ed25519').privateKey, sans }));
    seeds.push(buildCsr({ privateKey: generateKeyPair('ec-p384').privateKey, sans }));
    const out = tmp.file('rsa.der');
    opensslOk([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      tmp.file('k'),
      '-subj',
      '/O=T/CN=x',
      '-addext',
      'subjectAltName=DNS:x.internal',
      '-outform',
      'DER',
      '-out',
      out,
    ]);
    seeds.push(readFileSync(out));
    for (const s of seeds) parseCsr(s);
  });
  afterAll(() => tmp.cleanup());

  it(`ok/${RUNS} mutated CSRs: only PkiError comes out, no parse hangs (each under 500 ms)`, () => {
    let refused = 0;
    let slowest = 0;
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seedIndex, muts) => {
        const input = apply(seeds[seedIndex % seeds.length], muts);
        const elapsedMs = stopwatch();
        try {
          parseCsr(input);
        } catch (err) {
          if (!(err instanceof PkiError)) throw err;
          refused++;
        }
        const ms = elapsedMs();
        slowest = Math.max(slowest, ms);
        // Generous bound: a loaded 2-core CI box plus GC pauses, yet far from a hang.
        return ms < 500;
      }),
      { numRuns: RUNS, seed: 20261124 },
    );
    // Nearly every mutation must be caught (strict DER + signature); a few flips in ignorable
    // places (none, here: everything is signed) could pass, so only bound the ratio.
    expect(refused).toBeGreaterThan(RUNS * 0.99);
    expect(slowest).toBeLessThan(500);
  }, 60_000);
});
