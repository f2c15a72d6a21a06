/**
 * Where the TLS layer gets its trust anchors: a versioned bundle of roots per service type. The
 * signer client (WatchTrustBundle) writes into a {@link TrustStore}; the proxy reads through
 * {@link TrustSource} and may ask for one refresh when a peer's certificate fails to verify.
 */
import { X509Certificate } from 'node:crypto';
import { SidecarError } from '../errors';

/** Roots per service type, validated and with PEM precomputed for `tls.createSecureContext`. */
export interface TrustBundle {
  /** Monotonic; a lower version than the held one is ignored. */
  readonly version: number;
  readonly rootsPem: ReadonlyMap<string, readonly string[]>;
}

/** Read side used by the TLS layer. */
export interface TrustSource {
  current(): TrustBundle | undefined;
  /**
   * Asks upstream for the latest bundle once. Resolves when the attempt is over, whether or
   * not the bundle changed; rejects when the upstream could not be asked.
   */
  refresh(): Promise<void>;
  onChange(listener: () => void): () => void;
}

/**
 * Validates a bundle: every root parses, is a CA and is self-signed (OpenSSL needs a
 * self-signed anchor: Node 20's tls.Server ignores `allowPartialTrustChain`).
 * @throws SidecarError `TRUST_INVALID` naming the first bad type.
 */
export function createTrustBundle(
  version: number,
  roots: Readonly<Record<string, readonly (Buffer | string)[]>>,
): TrustBundle {
  if (!Number.isSafeInteger(version) || version < 0)
    throw new SidecarError('TRUST_INVALID', 'version must be a non-negative integer');
  const rootsPem = new Map<string, string[]>();
  for (const [type, certs] of Object.entries(roots)) {
    try {
      rootsPem.set(
        type,
        certs.map((c) => {
          const x = new X509Certificate(c);
          if (!x.ca || !x.checkIssued(x) || !x.verify(x.publicKey)) throw new Error('not a self-signed CA');
          return x.toString();
        }),
      );
    } catch (cause) {
      throw new SidecarError('TRUST_INVALID', `roots of ${type}`, { cause });
    }
  }
  return Object.freeze({ version, rootsPem });
}

/** Options of {@link TrustStore}. */
export interface TrustStoreOptions {
  /** How to fetch the latest bundle on demand (the signer client's GetTrustBundle). Default: none, `refresh` resolves at once. */
  fetch?: () => Promise<TrustBundle | undefined>;
}

/** In-memory bundle holder with monotonic versions; listeners run synchronously after a swap. */
export class TrustStore implements TrustSource {
  private bundle: TrustBundle | undefined;
  private readonly listeners = new Set<() => void>();
  private inflight: Promise<void> | undefined;

  constructor(private readonly options: TrustStoreOptions = {}) {}

  current(): TrustBundle | undefined {
    return this.bundle;
  }

  /** Installs `bundle` unless an equal or newer version is held; returns whether it changed. */
  set(bundle: TrustBundle): boolean {
    if (this.bundle && bundle.version <= this.bundle.version) return false;
    this.bundle = bundle;
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch {
        // One faulty subscriber must not keep the others on stale trust.
      }
    }
    return true;
  }

  /** Concurrent callers share one upstream request. */
  refresh(): Promise<void> {
    const fetch = this.options.fetch;
    if (!fetch) return Promise.resolve();
    this.inflight ??= fetch()
      .then((b) => {
        if (b) this.set(b);
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
