/**
 * One workload identity: a private key and the certificate chain the signer issued for it,
 * checked once when it is created so the TLS layer never sees a broken pair.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { SidecarError } from '../errors';
import { parseSpiffeUri, type SpiffeParts, uriSans } from '../tls/spiffe';

/** An identity ready for TLS. Immutable. */
export interface Identity {
  readonly privateKey: KeyObject;
  /** DER certificates, leaf first, then intermediates (never the root). */
  readonly chain: readonly Buffer[];
  /** PKCS#8 PEM of the key and PEM of the chain, precomputed for `tls.createSecureContext`. */
  readonly keyPem: string;
  readonly chainPem: string;
  readonly spiffeId: string;
  readonly spiffe: SpiffeParts;
  readonly serialHex: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Builds an {@link Identity} from a key and a chain (DER or PEM, leaf first).
 * @throws SidecarError `IDENTITY_INVALID` when the chain is empty or unparsable, the key does not
 *   match the leaf, or the leaf does not carry exactly one SPIFFE ID of the mesh form.
 */
export function createIdentity(privateKey: KeyObject | string, chain: readonly (Buffer | string)[]): Identity {
  try {
    const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
    if (chain.length === 0) throw new Error('empty chain');
    const certs = chain.map((c) => new X509Certificate(c));
    const leaf = certs[0];
    if (!leaf.checkPrivateKey(key)) throw new Error('key does not match the leaf');
    const uris = uriSans(leaf.subjectAltName);
    const spiffe = uris.length === 1 ? parseSpiffeUri(uris[0]) : undefined;
    if (!spiffe) throw new Error('leaf must carry exactly one SPIFFE ID');
    return Object.freeze({
      privateKey: key,
      chain: Object.freeze(certs.map((c) => c.raw)),
      keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      chainPem: certs.map((c) => c.toString()).join(''),
      spiffeId: uris[0],
      spiffe,
      serialHex: leaf.serialNumber.toLowerCase(),
      issuer: leaf.issuer,
      notBefore: new Date(leaf.validFrom),
      notAfter: new Date(leaf.validTo),
    });
  } catch (cause) {
    if (cause instanceof SidecarError) throw cause;
    throw new SidecarError('IDENTITY_INVALID', cause instanceof Error ? cause.message : undefined, { cause });
  }
}
