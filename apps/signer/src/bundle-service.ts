import type { ServerWritableStream } from '@grpc/grpc-js';
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
 * GetTrustBundle and WatchTrustBundle over the {@link CaWatcher}'s snapshot. A watch stream gets
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

  /** The bundle for the request's types (all when empty). Throws PolicyError TYPE_UNKNOWN for a type with no CA. */
  get(req: TrustBundleRequest): TrustBundle {
    return bundleFor(this.watcher.snapshot, this.checkTypes(req.serviceTypes, this.watcher.snapshot));
  }

  /** Serves one watch stream until the client cancels or {@link closeAll}. */
  watch(call: ServerWritableStream<TrustBundleRequest, TrustBundle>): void {
    let types: string[];
    try {
      if (this.open.size >= this.o.maxWatchStreams) throw new SignerError('STREAM_LIMIT', String(this.o.maxWatchStreams));
      types = this.checkTypes(call.request.serviceTypes, this.watcher.snapshot);
    } catch (err) {
      call.emit('error', toServiceError(mapError(err)));
      return;
    }
    // Re-send the current bundle after keepaliveMs of quiet; every real send restarts the wait.
    const keepalive = setInterval(() => call.write(bundleFor(this.watcher.snapshot, types)), this.o.keepaliveMs);
    keepalive.unref();
    const send = (s: CaSnapshot): void => {
      keepalive.refresh();
      call.write(bundleFor(s, types));
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
    call.write(bundleFor(this.watcher.snapshot, types));
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
