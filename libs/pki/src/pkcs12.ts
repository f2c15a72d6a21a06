/**
 * PKCS#12 (RFC 7292) export for Java and Windows clients: the private key and the chain,
 * protected by a password.
 *
 * node-forge's own `pkcs12.toPkcs12Asn1` needs forge certificate and key objects, and forge can
 * only parse RSA, so it cannot hold our ECDSA/Ed25519 material. We therefore build the PFX
 * structure ourselves (our DER writer) and use forge only for the cryptographic primitives:
 * - the key bag is `forge.pki.encryptPrivateKeyInfo` over the PKCS#8 ASN.1 with **PBES2 /
 *   PBKDF2-HMAC-SHA256 / AES-256-CBC** (16-byte salt, 2048 iterations). That is what OpenSSL 3
 *   writes by default and reads without `-legacy`; the older 3DES/RC2 PKCS#12 PBEs need the
 *   legacy provider in OpenSSL 3 and are weak.
 * - the MAC is HMAC-SHA256 with the RFC 7292 App. B key derivation (`forge.pkcs12.generateKey`,
 *   2048 iterations), OpenSSL 3's default MAC.
 * Certificates go in plain (unencrypted) cert bags; the leaf's bag and the key bag share a
 * localKeyId (SHA-1 of the leaf) and the friendly name, so keystores pair them.
 */
import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { PkiError, wrapErrors } from './errors';
import { parseCertificate } from './cert-parse';
import { NULL, explicit, octetString, oid, seq, set, smallInt, tlv } from './der/writer';
import { spkiDerOf } from './keys';
import { toDer } from './pem';

/** Options of {@link exportPkcs12}. */
export interface Pkcs12Options {
  privateKey: KeyObject;
  /** Leaf first, then intermediates (and optionally the root). PEM or DER each. */
  chain: (Uint8Array | string)[];
  /** 1–256 characters. Encoded as UTF-8 for PBES2 and as BMPString for the MAC, like OpenSSL. */
  password: string;
  /** Friendly name (alias) of the key entry; default "trustmesh". */
  friendlyName?: string;
}

const P12 = {
  data: '1.2.840.113549.1.7.1',
  keyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Cert: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  sha256: '2.16.840.1.101.3.4.2.1',
};
const ITERATIONS = 2048;

const bmp = (s: string): Buffer => tlv(0x1e, Buffer.from(s, 'utf16le').swap16());
const data = (content: Buffer): Buffer => seq(oid(P12.data), explicit(0, octetString(content)));

function bag(type: string, value: Buffer, attrs: Buffer[]): Buffer {
  return seq(oid(type), explicit(0, value), ...(attrs.length ? [set(...attrs)] : []));
}

/**
 * A DER PFX holding the key and the chain (see the module comment for the algorithms).
 * @throws PkiError PKCS12_FAILED (bad password or chain, or a primitive failed), KEY_MISMATCH
 * (the key is not the leaf's), CERT_MALFORMED.
 */
export function exportPkcs12(o: Pkcs12Options): Buffer {
  if (typeof o.password !== 'string' || o.password.length < 1 || o.password.length > 256) {
    throw new PkiError('PKCS12_FAILED', 'password must be 1-256 characters');
  }
  if (!o.chain?.length) throw new PkiError('PKCS12_FAILED', 'empty chain');
  const certs = o.chain.map((c) => toDer(c, 'CERTIFICATE'));
  const leaf = wrapErrors('CERT_MALFORMED', 'leaf', () => parseCertificate(certs[0]));
  certs.slice(1).forEach((c) => wrapErrors('CERT_MALFORMED', 'chain', () => parseCertificate(c)));
  const pub = wrapErrors('KEY_MALFORMED', 'private key', () => spkiDerOf(createPublicKey(o.privateKey)));
  if (!pub.equals(leaf.spki.der)) throw new PkiError('KEY_MISMATCH', 'the key is not the leaf certificate key');
  const pkcs8 = wrapErrors('KEY_MALFORMED', 'PKCS#8', () => o.privateKey.export({ type: 'pkcs8', format: 'der' }));

  return wrapErrors('PKCS12_FAILED', 'build', () => {
    const localKeyId = set(octetString(createHash('sha1').update(certs[0]).digest()));
    const leafAttrs = [
      seq(oid(P12.friendlyName), set(bmp(o.friendlyName ?? 'trustmesh'))),
      seq(oid(P12.localKeyId), localKeyId),
    ];
    const keyInfo = forge.asn1.fromDer(forge.util.createBuffer(pkcs8.toString('binary')));
    const encrypted = forge.pki.encryptPrivateKeyInfo(keyInfo, forge.util.encodeUtf8(o.password), {
      algorithm: 'aes256',
      prfAlgorithm: 'sha256',
      count: ITERATIONS,
      saltSize: 16,
    });
    const keyBagValue = Buffer.from(forge.asn1.toDer(encrypted).getBytes(), 'binary');
    const certBags = certs.map((c, i) =>
      bag(P12.certBag, seq(oid(P12.x509Cert), explicit(0, octetString(c))), i === 0 ? leafAttrs : []),
    );
    const authSafe = seq(data(seq(...certBags)), data(seq(bag(P12.keyBag, keyBagValue, leafAttrs))));

    const salt = randomBytes(16);
    const sha256 = forge.md.sha256.create();
    const macKey = forge.pkcs12.generateKey(
      o.password,
      forge.util.createBuffer(salt.toString('binary')),
      3,
      ITERATIONS,
      32,
      sha256,
    );
    const hmac = forge.hmac.create();
    hmac.start('sha256', macKey);
    hmac.update(authSafe.toString('binary'));
    const mac = Buffer.from(hmac.digest().getBytes(), 'binary');
    const macData = seq(seq(seq(oid(P12.sha256), NULL), octetString(mac)), octetString(salt), smallInt(ITERATIONS));
    return seq(smallInt(3), data(authSafe), macData);
  });
}
