import { exportPublicKey, generateKeyPair, spkiPin, type KeyAlgorithm } from './index';
import { opensslOk, tempDir } from './testing/openssl';

describe('keys', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  // The PEM and DER round trips of the same keys: keys.spec.ts.
  it.each<[KeyAlgorithm]>([['ec-p256'], ['ec-p384'], ['ed25519']])(
    "ok/%s: PEM and DER round trips; pin equals openssl's",
    (alg) => {
      const { privateKey, publicKey } = generateKeyPair(alg);
      const spkiPem = exportPublicKey(publicKey) as string;
      const file = tmp.file(`${alg}.pub.pem`, spkiPem);
      const der2 = opensslOk(['pkey', '-pubin', '-in', file, '-outform', 'DER']);
      const digest = opensslOk(['dgst', '-sha256', '-binary', tmp.file(`${alg}.pub.der`, der2)]);
      expect(spkiPin(publicKey)).toBe(digest.toString('base64'));
      expect(spkiPin(der2)).toBe(spkiPin(privateKey));
    },
  );
});
