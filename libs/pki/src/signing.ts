/**
 * The signature algorithm that goes with a signing key, prepared once: its AlgorithmIdentifier
 * DER (for TBS and outer certificate / CSR) and the digest name for `crypto.sign`.
 */
import { sign, type KeyObject } from 'node:crypto';
import { PkiError, wrapErrors } from './errors';
import { OID, OID_NAMES } from './der/oids';
import { NULL, oid, seq } from './der/writer';
import { keyAlgorithmOf } from './keys';

/** How to sign with one key: AlgorithmIdentifier bytes, digest for `crypto.sign` (null for Ed25519). */
export interface SignatureProfile {
  readonly algorithmIdentifier: Buffer;
  readonly digest: string | null;
  readonly name: string;
}

const PROFILES = {
  'ec-p256': { algorithmIdentifier: seq(oid(OID.ecdsaSha256)), digest: 'sha256', name: OID_NAMES[OID.ecdsaSha256] },
  'ec-p384': { algorithmIdentifier: seq(oid(OID.ecdsaSha384)), digest: 'sha384', name: OID_NAMES[OID.ecdsaSha384] },
  ed25519: { algorithmIdentifier: seq(oid(OID.ed25519)), digest: null, name: OID_NAMES[OID.ed25519] },
  // RFC 4055: the parameters of sha256WithRSAEncryption are NULL, not absent.
  rsa: { algorithmIdentifier: seq(oid(OID.sha256WithRSA), NULL), digest: 'sha256', name: OID_NAMES[OID.sha256WithRSA] },
} satisfies Record<string, SignatureProfile>;

/**
 * The signature profile for a private key: ECDSA P-256 → ecdsa-with-SHA256, P-384 →
 * ecdsa-with-SHA384, Ed25519 → Ed25519, RSA → sha256WithRSAEncryption.
 * @throws PkiError KEY_MALFORMED (not a private key), KEY_TYPE_UNSUPPORTED (other key types).
 */
export function signatureProfileFor(privateKey: KeyObject): SignatureProfile {
  if (privateKey?.type !== 'private') throw new PkiError('KEY_MALFORMED', 'expected a private key');
  const alg = keyAlgorithmOf(privateKey);
  if (!alg) throw new PkiError('KEY_TYPE_UNSUPPORTED', `${privateKey.asymmetricKeyType}`);
  return PROFILES[alg];
}

/** Signs `data` with `key` per `profile` (ECDSA signatures DER-encoded, as X.509 wants). */
export function signWith(profile: SignatureProfile, key: KeyObject, data: Uint8Array): Buffer {
  return wrapErrors('KEY_MALFORMED', 'sign', () => sign(profile.digest, data, key));
}
