/**
 * Test-only certificate authorities for the sidecar's tests, minted in memory with libs/pki at
 * test time (no key is ever written to the repository). Imported from spec files only.
 */
import type { KeyObject } from 'node:crypto';
import {
  createIntermediateCertificate,
  createLeafIssuer,
  createRootCertificate,
  generateKeyPair,
  spiffeId,
  type LeafIssuer,
} from '@trustmesh/pki';
import { createIdentity, type Identity } from '../identity/identity';
import { createTrustBundle, type TrustBundle } from '../trust/trust-source';

/** The trust domain used by every test. */
export const TRUST_DOMAIN = 'example.test';

/** A per-type CA set: self-signed root and an issuing intermediate. */
export interface TestCa {
  readonly type: string;
  readonly root: Buffer;
  readonly intermediate: Buffer;
  readonly issuer: LeafIssuer;
}

/** Creates a root + intermediate for `type`, valid a day either side of `now`. */
export function createTestCa(type: string, now: Date, label = type): TestCa {
  const day = 86_400_000;
  const rootKeys = generateKeyPair();
  const root = createRootCertificate({
    ...rootKeys,
    subject: { commonName: `${label} root` },
    notBefore: new Date(now.getTime() - day),
    notAfter: new Date(now.getTime() + 30 * day),
  });
  const intKeys = generateKeyPair();
  const intermediate = createIntermediateCertificate({
    publicKey: intKeys.publicKey,
    subject: { commonName: `${label} intermediate` },
    issuer: { certificate: root, privateKey: rootKeys.privateKey },
    notBefore: new Date(now.getTime() - day),
    notAfter: new Date(now.getTime() + 30 * day),
  });
  return {
    type,
    root,
    intermediate,
    issuer: createLeafIssuer({ caCertificate: intermediate, caPrivateKey: intKeys.privateKey }),
  };
}

/** Options of {@link issueTestIdentity}. */
export interface IssueOptions {
  instance?: string;
  now: Date;
  ttlSeconds?: number;
  /** SPIFFE ID override (for forged or malformed names). */
  uri?: string;
  trustDomain?: string;
}

/** A leaf for `ca.type` (or a forged URI) with its fresh P-256 key, as an {@link Identity}. */
export function issueTestIdentity(ca: TestCa, o: IssueOptions): Identity {
  const { identity } = issueTestLeaf(ca, o);
  return identity;
}

/** Like {@link issueTestIdentity} and also returns the raw key (for openssl). */
export function issueTestLeaf(ca: TestCa, o: IssueOptions): { identity: Identity; privateKey: KeyObject } {
  const keys = generateKeyPair();
  const uri = o.uri ?? spiffeId(o.trustDomain ?? TRUST_DOMAIN, ca.type, o.instance ?? `${ca.type}-1`);
  const leaf = ca.issuer.issue({
    publicKey: keys.publicKey,
    sans: { uris: [uri], ips: ['127.0.0.1'] },
    subject: { commonName: o.instance ?? `${ca.type}-1` },
    now: o.now,
    ttlSeconds: o.ttlSeconds ?? 3600,
  });
  return { identity: createIdentity(keys.privateKey, [leaf.der, ca.intermediate]), privateKey: keys.privateKey };
}

/** A bundle holding the roots of the given CAs, keyed by their type. */
export function bundleOf(version: number, cas: readonly TestCa[]): TrustBundle {
  const roots: Record<string, Buffer[]> = {};
  for (const ca of cas) (roots[ca.type] ??= []).push(ca.root);
  return createTrustBundle(version, roots);
}
