/**
 * Where the TLS layer gets its identities. The signer client (renewal loop) writes into an
 * {@link IdentityStore}; the proxy only reads through {@link IdentitySource}.
 */
import type { Identity } from './identity';

/** Read side, queried when TLS material is rebuilt and when an outbound dial falls back. */
export interface IdentitySource {
  /** The newest identity, or `undefined` before the first issuance. */
  current(): Identity | undefined;
  /** Newest first: the current identity, then older ones still valid at `now` (for fallback). */
  usable(now: Date): readonly Identity[];
  /** Called after every change; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** Options of {@link IdentityStore}. */
export interface IdentityStoreOptions {
  /** How many identities to keep, the current one included. Default 3. */
  keep?: number;
}

/**
 * In-memory identity holder. `set` makes an identity current and keeps the previous ones (up to
 * `keep`) for fallback; expired ones are skipped by `usable`. Listeners run synchronously after
 * the swap; a listener that throws does not stop the others.
 */
export class IdentityStore implements IdentitySource {
  private list: Identity[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly keep: number;

  constructor(options: IdentityStoreOptions = {}) {
    this.keep = Math.max(1, options.keep ?? 3);
  }

  current(): Identity | undefined {
    return this.list[0];
  }

  usable(now: Date): readonly Identity[] {
    const t = now.getTime();
    return this.list.filter((i) => i.notBefore.getTime() <= t && t < i.notAfter.getTime());
  }

  /** Makes `identity` current; re-setting the same serial is a no-op. */
  set(identity: Identity): void {
    if (this.list[0]?.serialHex === identity.serialHex) return;
    this.list = [identity, ...this.list.filter((i) => i.serialHex !== identity.serialHex)].slice(0, this.keep);
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch {
        // One faulty subscriber must not keep the others on stale material.
      }
    }
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
