import { X509Certificate } from 'node:crypto';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { parseSpiffeId } from '@trustmesh/pki';
import { requireType, type MeshConfig } from '@trustmesh/policy';
import type { TrustBundle, TrustBundleRequest } from '@trustmesh/proto';
import { bundleFor, snapshotTypes, type CaSnapshot } from './ca-snapshot';
import type { CaWatcher } from './ca-watcher';
import { SignerError } from './errors';
import type { SignerMetrics } from './metrics';
import { mapError, toServiceError } from './status-map';

/** Bounds and pacing of watch streams. */
export interface WatchOptions {
  maxWatchStreams: number;
  keepaliveMs: number;
}

/**
 * GetTrustBundle and WatchTrustBundle over the {@link CaWatcher}'s snapshot. The bundle's
 * `renew_before_unix` is the hint of the caller's own type (store meta `renew_before_unix:<T>`
 * for a mesh certificate of type T; 0 without a client certificate or for a type without a
 * hint), see {@link callerTypeOf}. A watch stream gets
 * the current bundle at once, a new one whenever the anchors change, and the current one again
 * after `keepaliveMs` of quiet (so idle proxies keep the stream and clients notice a dead one).
 * At most `maxWatchStreams` are open; more are refused with RESOURCE_EXHAUSTED STREAM_LIMIT.
 */
export class BundleService {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly watcher: CaWatcher,
    private readonly mesh: MeshConfig,
    private readonly metrics: SignerMetrics,
    private readonly o: WatchOptions,
  ) {}

  /**
   * The bundle for the request's types (all when empty), with the renew-before hint of the
   * type of `peerLeaf` (the caller's mTLS certificate, DER; none: hint 0). Throws PolicyError
   * TYPE_UNKNOWN for a requested type with no CA.
   */
  get(req: TrustBundleRequest, peerLeaf?: Buffer): TrustBundle {
    const s = this.watcher.snapshot;
    return bundleFor(s, this.checkTypes(req.serviceTypes, s), callerTypeOf(peerLeaf, this.mesh));
  }

  /** Serves one watch stream until the client cancels or {@link closeAll}. */
  watch(call: ServerWritableStream<TrustBundleRequest, TrustBundle>): void {
    let types: string[];
    // The caller's type is fixed for the stream's life: its certificate cannot change mid-stream.
    const callerType = callerTypeOf(call.getAuthContext()?.sslPeerCertificate?.raw, this.mesh);
    try {
      if (this.open.size >= this.o.maxWatchStreams)
        throw new SignerError('STREAM_LIMIT', String(this.o.maxWatchStreams));
      types = this.checkTypes(call.request.serviceTypes, this.watcher.snapshot);
    } catch (err) {
      call.emit('error', toServiceError(mapError(err)));
      return;
    }
    // Re-send the current bundle after keepaliveMs of quiet; every real send restarts the wait.
    const keepalive = setInterval(
      () => call.write(bundleFor(this.watcher.snapshot, types, callerType)),
      this.o.keepaliveMs,
    );
    keepalive.unref();
    const send = (s: CaSnapshot): void => {
      keepalive.refresh();
      call.write(bundleFor(s, types, callerType));
    };
    const unsubscribe = this.watcher.subscribe(send);
    const close = (): void => {
      if (!this.open.delete(close)) return;
      unsubscribe();
      clearInterval(keepalive);
      this.metrics.watchStreams.add(-1);
      call.end();
    };
    this.open.add(close);
    this.metrics.watchStreams.add(1);
    call.on('cancelled', close);
    call.on('error', close);
    call.on('close', close);
    call.write(bundleFor(this.watcher.snapshot, types, callerType));
  }

  /** Number of open watch streams. */
  get openStreams(): number {
    return this.open.size;
  }

  /** Ends every open stream (shutdown). */
  closeAll(): void {
    for (const close of [...this.open]) close();
  }

  private checkTypes(requested: readonly string[], s: CaSnapshot): string[] {
    const known = snapshotTypes(s);
    for (const t of requested) {
      // Types with CAs (including `platform`) are known; anything else gets policy's TYPE_UNKNOWN.
      if (!known.has(t)) requireType(this.mesh, t);
    }
    return [...new Set(requested)];
  }
}

/**
 * The service type named by the SPIFFE ID of a client certificate (DER) that the TLS layer has
 * already chained to a mesh root, or undefined when there is no certificate, it does not parse,
 * carries no single SPIFFE URI of this trust domain, or names a type outside the mesh. The
 * result only selects a timing hint (never an authorization), so failing to undefined (hint 0)
 * is the safe default.
 */
export function callerTypeOf(leafDer: Buffer | undefined, mesh: MeshConfig): string | undefined {
  if (!leafDer || leafDer.length === 0) return undefined;
  try {
    const sans = new X509Certificate(leafDer).subjectAltName ?? '';
    const uris = sans.split(', ').filter((e) => e.startsWith('URI:'));
    if (uris.length !== 1) return undefined;
    const id = parseSpiffeId((uris[0] as string).slice(4));
    if (id.trustDomain !== mesh.trustDomain || !Object.prototype.hasOwnProperty.call(mesh.types, id.serviceType))
      return undefined;
    return id.serviceType;
  } catch {
    return undefined;
  }
}
