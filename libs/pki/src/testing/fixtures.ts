/**
 * Test fixtures (spec and e2e files): CA sets made in memory with fixed instants, a crafter
 * for CSRs that our own builder refuses to make (bad SANs, wrong algorithms, odd extensions),
 * and the inputs a spec and its openssl e2e sibling both check (one builder, two judges).
 */
import { sign, type KeyObject } from 'node:crypto';
import {
  buildCsr,
  createIntermediateCertificate,
  createLeafIssuer,
  createRootCertificate,
  generateKeyPair,
  parseCsr,
  pemEncode,
  PkiError,
  type IssuedLeaf,
  type KeyAlgorithm,
  type LeafIssuer,
  type ParsedCsr,
} from '../index';
import { OID } from '../der/oids';
import { bitString, explicit, octetString, oid, seq, set, smallInt, tlv, TRUE } from '../der/writer';
import { encodeName } from '../names';
import { spkiDerOf } from '../keys';
import { signatureProfileFor } from '../signing';

export const T0 = new Date('2026-11-24T00:00:00Z');
export const DAY_MS = 86400_000;
export const at = (days: number): Date => new Date(T0.getTime() + days * DAY_MS);

/** A root, an intermediate under it, and a leaf issuer from the intermediate. */
export interface CaSet {
  root: Buffer;
  rootKey: KeyObject;
  inter: Buffer;
  interKey: KeyObject;
  issuer: LeafIssuer;
  pem: { root: string; inter: string };
}

/**
 * Makes a CA set valid from base−1d to base+3650d (root) / base+365d (intermediate); `base`
 * defaults to T0.
 */
export function makeCaSet(
  name: string,
  alg: KeyAlgorithm = 'ec-p256',
  interAlg: KeyAlgorithm = alg,
  base: Date = T0,
): CaSet {
  const at = (days: number): Date => new Date(base.getTime() + days * DAY_MS);
  const rk = generateKeyPair(alg);
  const root = createRootCertificate({
    ...rk,
    subject: { commonName: `${name} root`, organization: 'TrustMesh' },
    notBefore: at(-1),
    notAfter: at(3650),
  });
  const ik = generateKeyPair(interAlg);
  const inter = createIntermediateCertificate({
    publicKey: ik.publicKey,
    subject: { commonName: `${name} issuing 1`, organization: 'TrustMesh' },
    issuer: { certificate: root, privateKey: rk.privateKey },
    notBefore: at(-1),
    notAfter: at(365),
  });
  return {
    root,
    rootKey: rk.privateKey,
    inter,
    interKey: ik.privateKey,
    issuer: createLeafIssuer({ caCertificate: inter, caPrivateKey: ik.privateKey }),
    pem: { root: pemEncode('CERTIFICATE', root), inter: pemEncode('CERTIFICATE', inter) },
  };
}

/** Options of {@link craftCsr}: every part can be forced. */
export interface CraftOptions {
  privateKey: KeyObject;
  /** SPKI DER to put in the request (default: the pair of privateKey). */
  spki?: Buffer;
  /** Raw Extension SEQUENCEs for the extensionRequest (none: no attribute). */
  extensions?: Buffer[];
  /** AlgorithmIdentifier DER to claim (default: the key's). */
  algorithmIdentifier?: Buffer;
  commonName?: string;
}

/** A CSR built by hand, signed with `privateKey` under the key's own digest. */
export function craftCsr(o: CraftOptions): Buffer {
  const profile = signatureProfileFor(o.privateKey);
  const attrs = o.extensions ? [seq(oid(OID.extensionRequest), set(seq(...o.extensions)))] : [];
  const info = seq(
    smallInt(0),
    encodeName(o.commonName ? { commonName: o.commonName } : {}),
    o.spki ?? spkiDerOf(o.privateKey),
    explicit(0, ...attrs),
  );
  const sig = sign(profile.digest, info, o.privateKey);
  return seq(info, o.algorithmIdentifier ?? profile.algorithmIdentifier, bitString(sig));
}

/** A subjectAltName extension with one raw dNSName (bytes as given, no validation). */
export function rawDnsSan(bytes: Buffer): Buffer {
  return seq(oid(OID.subjectAltName), octetString(seq(tlv(0x82, bytes))));
}

/** An arbitrary extension. */
export function rawExtension(dotted: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(dotted), TRUE, octetString(value)) : seq(oid(dotted), octetString(value));
}

/** The PkiError code `fn` throws: 'no error' when it returns, a marker when it throws something else. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof PkiError ? err.code : `not a PkiError: ${String(err)}`;
  }
  return 'no error';
}

/** A CSR we build for `db.internal`: DNS, URI and two IP SANs (v4 and v6). */
export function buildDbCsr(alg: KeyAlgorithm): Buffer {
  const { privateKey, publicKey } = generateKeyPair(alg);
  return buildCsr({
    privateKey,
    publicKey,
    subject: { commonName: 'db.internal', organizationalUnit: 'db' },
    sans: { dns: ['db.internal'], uris: ['spiffe://example.test/db/d-1'], ips: ['127.0.0.1', 'fd00::1'] },
  });
}

/** A CSR we build with an empty subject and one URI SAN. */
export function buildEmptySubjectCsr(): Buffer {
  const { privateKey } = generateKeyPair();
  return buildCsr({ privateKey, sans: { uris: ['spiffe://example.test/api/i-2'] } });
}

/** The SANs of {@link makeIssuance}'s leaf. */
export const ISSUANCE_SANS = {
  dns: ['api.internal'],
  uris: ['spiffe://example.test/api/i-1'],
  ips: ['127.0.0.1', '::1'],
};

/** A CA set for `api` and a leaf it issued at T0 (ttl one day) for a CSR with {@link ISSUANCE_SANS}. */
export function makeIssuance(
  rootAlg: KeyAlgorithm,
  interAlg: KeyAlgorithm,
): { ca: CaSet; csr: ParsedCsr; leaf: IssuedLeaf } {
  const ca = makeCaSet('api', rootAlg, interAlg);
  const leafKey = generateKeyPair();
  const csr = parseCsr(buildCsr({ privateKey: leafKey.privateKey, sans: ISSUANCE_SANS }));
  const leaf = ca.issuer.issue({ publicKey: csr.publicKey, sans: csr.sans, now: T0, ttlSeconds: 86400 });
  return { ca, csr, leaf };
}

/** A self-signed certificate valid 2049-06-01 to 2051-01-01 (times past 2049 are GeneralizedTime). */
export function createFarLeaf(): Buffer {
  const k = generateKeyPair();
  return createRootCertificate({
    ...k,
    subject: { commonName: 'far' },
    notBefore: new Date('2049-06-01T00:00:00Z'),
    notAfter: new Date('2051-01-01T00:00:00Z'),
  });
}
