/**
 * Leaf issuance, the signer's hot path. Everything that depends only on the CA is computed once
 * in {@link createLeafIssuer}: the CA key as a KeyObject, the signature AlgorithmIdentifier
 * followed by the issuer Name bytes (the CA certificate's subject, copied byte for byte), and the constant extension
 * block (basicConstraints, keyUsage, extKeyUsage, authorityKeyIdentifier). Per certificate only
 * the serial, validity, subject, SPKI, SKI and SAN are encoded, then one `crypto.sign`.
 */
import { createHash, KeyObject, randomFillSync, sign } from 'node:crypto';
import { PkiError, wrapErrors } from './errors';
import { loadIssuer } from './ca';
import type { CsrPublicKey } from './csr-parse';
import { OID } from './der/oids';
import { parseDer } from './der/reader';
import { bitString, explicit, seq, smallInt, time } from './der/writer';
import { authorityKeyId, basicConstraints, extKeyUsage, keyUsage, KU, subjectAltName } from './extensions';
import { spkiDerOf, type RandomSource } from './keys';
import { encodeName, type SubjectName } from './names';
import { normalizeSans, sansEmpty, type SanSet } from './san';
import { signatureProfileFor } from './signing';
import { checkKeyPolicy, describeSpki } from './spki';
import { randomSerial, toSeconds } from './tbs';

/** Default clock-skew backdating of a leaf's notBefore (capped at a tenth of the lifetime). */
const DEFAULT_BACKDATE_SECONDS = 60;

/** What to issue. `now` is the caller's clock; libs/pki never reads one. */
export interface LeafRequest {
  /** The subject key: from a parsed CSR (cheapest) or a KeyObject. */
  publicKey: CsrPublicKey | KeyObject;
  sans: Partial<SanSet>;
  /** Only `commonName` is used; default empty subject (then the SAN is critical). */
  subject?: SubjectName;
  now: Date;
  /** Lifetime from `now`, in whole seconds (> 0). */
  ttlSeconds: number;
  /**
   * How far notBefore lies before `now`, for clock skew. Default: 60 s, but at most a tenth of
   * the lifetime (whole seconds), so a short-lived leaf's validity stays close to what was asked.
   */
  backdateSeconds?: number;
}

/** An issued leaf: DER, serial (upper-case hex, like Node's X509Certificate) and validity. */
export interface IssuedLeaf {
  der: Buffer;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
}

/** Issues leaves from one CA. Stateless per call and safe to share. */
export interface LeafIssuer {
  readonly caCertificate: Buffer;
  /** Hex SKI of the CA (its key identifier; computed when the certificate has no SKI). */
  readonly caId: string;
  /**
   * Issues one leaf: keyUsage digitalSignature (+ keyEncipherment for RSA keys), EKU serverAuth +
   * clientAuth, critical basicConstraints CA:FALSE, SAN, SKI/AKI, 128-bit random serial,
   * notBefore = now − backdate, notAfter = min(now + ttl, CA notAfter).
   * @throws PkiError SAN_INVALID (bad name, or neither SAN nor CN), SUBJECT_INVALID,
   * VALIDITY_INVALID (bad now/ttl/backdate, or the CA has expired at `now`), KEY_TYPE_UNSUPPORTED,
   * KEY_TOO_WEAK, KEY_MALFORMED.
   */
  issue(r: LeafRequest): IssuedLeaf;
}

/** Options of {@link createLeafIssuer}. */
export interface LeafIssuerOptions {
  caCertificate: Uint8Array;
  caPrivateKey: KeyObject;
  /** Random source for serials; default a pooled node:crypto CSPRNG. */
  random?: RandomSource;
}

const VERSION_V3 = explicit(0, smallInt(2));
const EMPTY_NAME = Buffer.from([0x30, 0x00]);
// Extension SEQUENCE header + OID 2.5.29.14 + OCTET STRING { OCTET STRING (20 bytes) }.
const SKI_PREFIX = Buffer.from('301d0603551d0e04160414', 'hex');

/**
 * A CSPRNG source that refills a 4 KiB pool with one `randomFillSync`, instead of one
 * `randomBytes` call (and allocation) per serial.
 */
function pooledRandom(): RandomSource {
  const pool = Buffer.allocUnsafe(4096);
  let pos = pool.length;
  return (n) => {
    if (n > pool.length) return randomFillSync(Buffer.allocUnsafe(n));
    if (pos + n > pool.length) {
      randomFillSync(pool);
      pos = 0;
    }
    const out = Buffer.from(pool.subarray(pos, pos + n));
    pos += n;
    return out;
  };
}

function subjectSpki(pk: CsrPublicKey | KeyObject): { spki: Buffer; rsa: boolean; keyBytes: Buffer } {
  const spki = pk instanceof KeyObject ? spkiDerOf(pk) : pk?.spkiDer;
  if (!Buffer.isBuffer(spki)) throw new PkiError('KEY_MALFORMED', 'no public key');
  const info = describeSpki(
    wrapErrors('KEY_MALFORMED', 'SPKI', () => parseDer(spki, { maxDepth: 4 })),
    'KEY_MALFORMED',
  );
  const alg = checkKeyPolicy(info);
  return { spki, rsa: alg === 'rsa', keyBytes: info.keyBytes };
}

function seconds(v: number | undefined, dflt: number, what: string, min: number): number {
  const s = v ?? dflt;
  if (!Number.isInteger(s) || s < min || s > 100 * 365 * 86400) throw new PkiError('VALIDITY_INVALID', what);
  return s;
}

/**
 * Prepares a leaf issuer for one CA (the CA certificate and its private key).
 * @throws PkiError DER_MALFORMED / CERT_MALFORMED (unreadable CA certificate), CERT_NOT_CA, KEY_MISMATCH,
 * KEY_MALFORMED, KEY_TYPE_UNSUPPORTED.
 */
export function createLeafIssuer(o: LeafIssuerOptions): LeafIssuer {
  const ca = loadIssuer(o.caCertificate, o.caPrivateKey);
  const profile = signatureProfileFor(o.caPrivateKey);
  const key = o.caPrivateKey;
  const random = o.random ?? pooledRandom();
  const caKeyId = ca.subjectKeyId ?? createHash('sha1').update(ca.spki.keyBytes).digest();
  const algAndIssuer = Buffer.concat([profile.algorithmIdentifier, ca.subject.der]);
  const common = [basicConstraints(false), extKeyUsage([OID.serverAuth, OID.clientAuth]), authorityKeyId(caKeyId)];
  const fixedEc = Buffer.concat([common[0], keyUsage(KU.digitalSignature), ...common.slice(1)]);
  const fixedRsa = Buffer.concat([common[0], keyUsage(KU.digitalSignature | KU.keyEncipherment), ...common.slice(1)]);
  const caNotAfter = ca.notAfter.getTime();
  const caCertificate = Buffer.from(ca.der);

  return {
    caCertificate,
    caId: caKeyId.toString('hex'),
    issue(r: LeafRequest): IssuedLeaf {
      const now = toSeconds(r.now, 'now').getTime();
      const ttl = seconds(r.ttlSeconds, 0, 'ttlSeconds', 1);
      const backdate = seconds(
        r.backdateSeconds,
        Math.min(DEFAULT_BACKDATE_SECONDS, Math.floor(ttl / 10)),
        'backdateSeconds',
        0,
      );
      if (now >= caNotAfter) throw new PkiError('VALIDITY_INVALID', 'the CA certificate has expired');
      const notBefore = new Date(now - backdate * 1000);
      const notAfter = new Date(Math.min(now + ttl * 1000, caNotAfter));
      const { spki, rsa, keyBytes } = subjectSpki(r.publicKey);
      const cn = r.subject?.commonName;
      const subject = cn === undefined ? EMPTY_NAME : encodeName({ commonName: cn });
      const sans = normalizeSans(r.sans);
      if (sansEmpty(sans) && cn === undefined) throw new PkiError('SAN_INVALID', 'a leaf needs a SAN or a common name');
      const exts: Buffer[] = [rsa ? fixedRsa : fixedEc, SKI_PREFIX, createHash('sha1').update(keyBytes).digest()];
      if (!sansEmpty(sans)) exts.push(subjectAltName(sans, subject === EMPTY_NAME));
      const serial = randomSerial(random);
      const tbs = seq(
        VERSION_V3,
        serial.der,
        algAndIssuer,
        seq(time(notBefore), time(notAfter)),
        subject,
        spki,
        explicit(3, seq(...exts)),
      );
      const sig = wrapErrors('KEY_MALFORMED', 'sign', () => sign(profile.digest, tbs, key));
      return { der: seq(tbs, profile.algorithmIdentifier, bitString(sig)), serialHex: serial.hex, notBefore, notAfter };
    },
  };
}
