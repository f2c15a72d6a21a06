/**
 * Test fixtures (spec files only): CA sets made in memory with fixed instants, and a crafter
 * for CSRs that our own builder refuses to make (bad SANs, wrong algorithms, odd extensions).
 */
import { sign, type KeyObject } from 'node:crypto';
import {
  createIntermediateCertificate, createLeafIssuer, createRootCertificate, generateKeyPair, pemEncode,
  type KeyAlgorithm, type LeafIssuer,
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
export function makeCaSet(name: string, alg: KeyAlgorithm = 'ec-p256', interAlg: KeyAlgorithm = alg, base: Date = T0): CaSet {
  const at = (days: number): Date => new Date(base.getTime() + days * DAY_MS);
  const rk = generateKeyPair(alg);
  const root = createRootCertificate({ ...rk, subject: { commonName: `${name} root`, organization: 'TrustMesh' }, notBefore: at(-1), notAfter: at(3650) });
  const ik = generateKeyPair(interAlg);
  const inter = createIntermediateCertificate({
    publicKey: ik.publicKey, subject: { commonName: `${name} issuing 1`, organization: 'TrustMesh' },
    issuer: { certificate: root, privateKey: rk.privateKey }, notBefore: at(-1), notAfter: at(365),
  });
  return {
    root, rootKey: rk.privateKey, inter, interKey: ik.privateKey,
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
  const info = seq(smallInt(0), encodeName(o.commonName ? { commonName: o.commonName } : {}), o.spki ?? spkiDerOf(o.privateKey), explicit(0, ...attrs));
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
