/**
 * Keeps the data plane's {@link TrustStore} current from the signer's WatchTrustBundle stream for
 * the service types the sidecar accepts and dials. The stream is reopened with exponential
 * backoff when it breaks, ends, or stays silent past `staleAfterMs` (the signer re-sends the
 * bundle as a keepalive). A bundle that fails validation is logged and dropped: the last good one
 * stays (fail closed on the new one, keep serving with the old). `refresh()` asks GetTrustBundle
 * once — the data plane's "peer failed to verify → refresh once and retry".
 */
import type { TrustBundle as WireBundle } from '@trustmesh/proto';
import type { Logger } from '../observe/logger';
import { TrustStore } from '../trust/trust-source';
import { renewBeforeOf, toTrustBundle } from './bundle-convert';
import { systemClock, type Clock, type TimerHandle, type UniformRandom } from './clock';
import { describeError, type ControlError } from './errors';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from '@trustmesh/policy';
import type { SignerClient, WatchHandle } from './signer-client';

/** Options of {@link TrustManager}. */
export interface TrustManagerOptions {
  client: SignerClient;
  /** Types whose roots are needed (non-empty; de-duplicated). */
  types: readonly string[];
  clock?: Clock;
  random?: UniformRandom;
  backoff?: BackoffPolicy;
  logger?: Logger;
  /** Reopen a stream that sent nothing for this long. Default 90 s (3× the signer's keepalive). */
  staleAfterMs?: number;
  /** Called with the renew-before hint of every accepted wire bundle (`undefined` = none). */
  onRenewBefore?: (hint: Date | undefined) => void;
}

/** Runs the watch loop; `store` is what the data plane reads. */
export class TrustManager {
  /** The data plane's trust source; `refresh()` goes to the signer's GetTrustBundle. */
  readonly store: TrustStore;
  private readonly types: string[];
  private readonly clock: Clock;
  private readonly random: UniformRandom;
  private readonly backoff: BackoffPolicy;
  private readonly staleAfterMs: number;
  private handle: WatchHandle | undefined;
  private reconnect: TimerHandle | undefined;
  private stale: TimerHandle | undefined;
  private failures = 0;
  private error: ControlError | undefined;
  private hint: Date | undefined;
  private running = false;

  constructor(private readonly o: TrustManagerOptions) {
    this.types = [...new Set(o.types)].sort();
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? Math.random;
    this.backoff = o.backoff ?? DEFAULT_BACKOFF;
    this.staleAfterMs = o.staleAfterMs ?? 90_000;
    o.client.onChannelChange(() => this.reopen());
    this.store = new TrustStore({
      fetch: async () => {
        const wire = await this.o.client.getTrustBundle(this.types);
        return this.convert(wire, 'refresh');
      },
    });
  }

  /** Opens the stream. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.open();
  }

  /** Closes the stream and cancels every timer. */
  stop(): void {
    this.running = false;
    this.handle?.cancel();
    this.handle = undefined;
    this.reconnect?.cancel();
    this.stale?.cancel();
  }

  /** One GetTrustBundle now; resolves when done (rejects with ControlError / TRUST_INVALID). */
  refresh(): Promise<void> {
    return this.store.refresh();
  }

  /** Version of the bundle held, `undefined` before the first one. */
  get version(): number | undefined {
    return this.store.current()?.version;
  }

  /** True while a stream is open and has delivered since it was opened. */
  get connected(): boolean {
    return this.handle !== undefined && this.failures === 0;
  }

  /** The error that ended the last stream, cleared by the next bundle received. */
  lastError(): ControlError | undefined {
    return this.error;
  }

  /** The renew-before hint of the newest bundle accepted. */
  renewBefore(): Date | undefined {
    return this.hint;
  }

  /** Moves the stream to the client's current channel (identity changed); not a failure. */
  private reopen(): void {
    if (!this.running) return;
    const h = this.handle;
    this.handle = undefined;
    h?.cancel();
    this.reconnect?.cancel();
    this.open();
  }

  private open(): void {
    if (!this.running) return;
    this.handle = this.o.client.watchTrustBundle(this.types, {
      onBundle: (wire) => {
        this.failures = 0;
        this.error = undefined;
        this.armStale();
        const bundle = this.convert(wire, 'watch');
        if (bundle) this.store.set(bundle);
      },
      onEnd: (err) => {
        this.handle = undefined;
        this.stale?.cancel();
        this.failures++;
        if (err) this.error = err;
        const delay = backoffDelayMs(this.failures - 1, this.random(), this.backoff, err?.retryAfterMs);
        this.o.logger?.log('warn', 'trust_watch_ended', {
          code: err?.code ?? 'STREAM_ENDED',
          reason: err?.reason,
          retry_in_ms: delay,
          bundle_version: this.version,
        });
        if (this.running) this.reconnect = this.clock.setTimer(() => this.open(), delay);
      },
    });
    this.armStale();
  }

  private armStale(): void {
    this.stale?.cancel();
    this.stale = this.clock.setTimer(() => {
      if (!this.handle) return;
      this.o.logger?.log('warn', 'trust_watch_stale', { silent_ms: this.staleAfterMs });
      const h = this.handle;
      this.handle = undefined;
      h.cancel();
      this.failures++;
      if (this.running) this.open();
    }, this.staleAfterMs);
  }

  /** Validates and converts; a bad bundle is logged and yields `undefined` (watch) or throws (refresh). */
  private convert(wire: WireBundle, via: 'watch' | 'refresh') {
    try {
      const bundle = toTrustBundle(wire, this.types);
      this.hint = renewBeforeOf(wire);
      this.o.onRenewBefore?.(this.hint);
      if (bundle.version !== this.version) {
        this.o.logger?.log('info', 'trust_bundle_received', {
          via,
          version: bundle.version,
          types: this.types.join(','),
          renew_before: this.hint?.toISOString(),
        });
      }
      return bundle;
    } catch (err) {
      this.o.logger?.log('error', 'trust_bundle_rejected', { via, version: wire.version, ...describeError(err) });
      if (via === 'refresh') throw err;
      return undefined;
    }
  }
}
