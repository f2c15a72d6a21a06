/**
 * A plain Node TLS client for tests, standing in for a peer sidecar or any mTLS client.
 */
import { X509Certificate } from 'node:crypto';
import { connect, type TLSSocket } from 'node:tls';
import type { Identity } from '../identity/identity';

/** Options of {@link tlsDial}. */
export interface TlsDialOptions {
  /** Client certificate; none when absent. */
  identity?: Identity;
  /** Roots the client trusts for the server (DER). */
  roots: readonly Buffer[];
}

/**
 * Connects with mTLS to 127.0.0.1:port and resolves at `secureConnect` (the client's view of the
 * handshake), rejecting on an earlier error. Host names are not checked (SPIFFE mesh).
 */
export function tlsDial(port: number, o: TlsDialOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const options = {
      host: '127.0.0.1',
      port,
      ...(o.identity ? { key: o.identity.keyPem, cert: o.identity.chainPem } : {}),
      ca: o.roots.map((r) => new X509Certificate(r).toString()),
      checkServerIdentity: () => undefined,
      allowHalfOpen: true,
    };
    const s = connect(options);
    s.once('secureConnect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}
