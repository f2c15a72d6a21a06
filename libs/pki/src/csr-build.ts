/**
 * PKCS#10 certificate request builder (the sidecar's side): subject, SPKI, and an
 * extensionRequest holding the SANs, signed with the requester's private key.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { PkiError, wrapErrors } from './errors';
import { OID } from './der/oids';
import { bitString, explicit, oid, seq, set, smallInt } from './der/writer';
import { subjectAltName } from './extensions';
import { spkiDerOf } from './keys';
import { encodeName, type SubjectName } from './names';
import { normalizeSans, sansEmpty, type SanSet } from './san';
import { signatureProfileFor, signWith } from './signing';

/** Options of {@link buildCsr}. */
export interface BuildCsrOptions {
  /** Requester's key (EC P-256/P-384, Ed25519, or RSA): signs the request. */
  privateKey: KeyObject;
  /** Its public half; derived from `privateKey` when absent (must match when given). */
  publicKey?: KeyObject;
  /** Subject; default empty. */
  subject?: SubjectName;
  /** SANs, sent in an extensionRequest (non-critical, or critical when the subject is empty). */
  sans?: Partial<SanSet>;
}

/**
 * A DER PKCS#10 request. No extensionRequest attribute when there are no SANs.
 * @throws PkiError KEY_MALFORMED, KEY_MISMATCH, KEY_TYPE_UNSUPPORTED, SUBJECT_INVALID, SAN_INVALID.
 */
export function buildCsr(o: BuildCsrOptions): Buffer {
  const profile = signatureProfileFor(o.privateKey);
  const derived = wrapErrors('KEY_MALFORMED', 'public key', () => createPublicKey(o.privateKey));
  const spki = spkiDerOf(derived);
  if (o.publicKey && !spkiDerOf(o.publicKey).equals(spki))
    throw new PkiError('KEY_MISMATCH', 'publicKey is not the pair of privateKey');
  const subject = encodeName(o.subject);
  const sans = normalizeSans(o.sans);
  const attrs = sansEmpty(sans)
    ? []
    : [seq(oid(OID.extensionRequest), set(seq(subjectAltName(sans, subject.length === 2))))];
  const info = seq(smallInt(0), subject, spki, explicit(0, ...attrs));
  return seq(info, profile.algorithmIdentifier, bitString(signWith(profile, o.privateKey, info)));
}
