import { SignerError } from './errors';

/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export interface BucketSpec {
  perSecond: number;
  burst: number;
}

/** Rate limits of the signer: per caller identity and for the whole signer. */
export interface RateLimitOptions {
  perIdentity: BucketSpec;
  overall: BucketSpec;
  /** Bound on the number of identities tracked; the stalest are forgotten first. Default 100000. */
  maxIdentities?: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/**
 * Token buckets per identity and one overall, on an injected clock (milliseconds). A request
 * costs one token from both; when either is empty it is refused with the time until a token is
 * available. Identity buckets are forgotten once full again, and the map is bounded.
 */
export class RateLimiter {
  private readonly identities = new Map<string, Bucket>();
  private readonly overall: Bucket;
  private readonly maxIdentities: number;

  constructor(private readonly o: RateLimitOptions) {
    for (const spec of [o.perIdentity, o.overall]) {
      if (!(spec.perSecond > 0) || !(spec.burst >= 1))
        throw new SignerError('ARGS_INVALID', 'rate limits need perSecond > 0 and burst >= 1');
    }
    this.overall = { tokens: o.overall.burst, atMs: Number.NEGATIVE_INFINITY };
    this.maxIdentities = o.maxIdentities ?? 100_000;
  }

  /**
   * Takes one token for `identity` and one overall at `nowMs`, or throws SignerError
   * RATE_LIMITED with `retryAfterMs` (nothing is taken when refused).
   */
  take(identity: string, nowMs: number): void {
    let own = this.identities.get(identity);
    if (!own) {
      own = { tokens: this.o.perIdentity.burst, atMs: nowMs };
      this.remember(identity, own);
    }
    refill(own, this.o.perIdentity, nowMs);
    refill(this.overall, this.o.overall, nowMs);
    const wait = Math.max(waitMs(own, this.o.perIdentity), waitMs(this.overall, this.o.overall));
    if (wait > 0) throw new SignerError('RATE_LIMITED', identity, { retryAfterMs: wait });
    own.tokens -= 1;
    this.overall.tokens -= 1;
  }

  private remember(identity: string, bucket: Bucket): void {
    if (this.identities.size >= this.maxIdentities) {
      // Map iteration is insertion order: drop the oldest entry (bounded memory under a flood
      // of distinct identities; the overall bucket still applies to them).
      const oldest = this.identities.keys().next().value;
      if (oldest !== undefined) this.identities.delete(oldest);
    }
    this.identities.set(identity, bucket);
  }
}

function refill(b: Bucket, spec: BucketSpec, nowMs: number): void {
  if (b.atMs === Number.NEGATIVE_INFINITY) {
    b.atMs = nowMs;
    return;
  }
  const elapsed = Math.max(0, nowMs - b.atMs);
  b.tokens = Math.min(spec.burst, b.tokens + (elapsed / 1000) * spec.perSecond);
  b.atMs = nowMs;
}

function waitMs(b: Bucket, spec: BucketSpec): number {
  if (b.tokens >= 1) return 0;
  return Math.ceil(((1 - b.tokens) / spec.perSecond) * 1000);
}

/**
 * The rate-limit key of a call: the identity the caller claims, as seen from the host it connects
 * from, so that a caller elsewhere cannot spend another instance's budget by naming it; the host
 * alone when the caller claims no identity. `peerAddress` is grpc-js `getPeer()`: `ADDR:PORT`.
 */
export function callerKey(kind: string, serviceType: string, instanceId: string, peerAddress: string): string {
  // The port is the last colon-separated part (IPv6 addresses contain colons themselves).
  const colon = peerAddress.lastIndexOf(':');
  const host = colon > 0 && /^\d+$/.test(peerAddress.slice(colon + 1)) ? peerAddress.slice(0, colon) : peerAddress;
  return serviceType && instanceId ? `${kind}:${serviceType}/${instanceId}@${host}` : `${kind}:@${host}`;
}
