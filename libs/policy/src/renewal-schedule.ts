/**
 * Renewal timing rules of the mesh: when a sidecar renews its certificate and how long it waits
 * after a failure. Pure — no clock, no timers: callers pass `now` and a uniform random number.
 * Used by the sidecar's identity manager and by the rotation benchmark's simulated fleet.
 */

/** Renewal point as a fraction of the certificate's lifetime: about 2/3. */
export const RENEW_FRACTION = 2 / 3;
/** ± jitter around the renewal point, as a fraction of it : ±10%. */
export const RENEW_JITTER = 0.1;

/** Exponential backoff bounds. */
export interface BackoffPolicy {
  /** First delay. Default 500 ms. */
  baseMs: number;
  /** Largest delay. Default 30 s. */
  capMs: number;
}

/** Defaults of {@link BackoffPolicy}: 500 ms doubling up to 30 s. */
export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 500, capMs: 30_000 });

/**
 * When to renew a certificate valid from `notBefore` to `notAfter`: at 2/3 of its lifetime, ±10%
 * of that offset (uniform from `u`). When the bundle carries a `renewBefore` hint that is earlier,
 * a uniformly random moment between `now` and the hint instead (spreading a rotation's renewals so
 * the signer is not flooded); a hint already past means "now". Never earlier than `now`.
 * @param u uniform random number in [0, 1) for the jitter; `uHint` for the spread before the hint.
 */
export function renewalTime(o: {
  notBefore: Date;
  notAfter: Date;
  now: Date;
  u: number;
  renewBefore?: Date;
  uHint?: number;
}): Date {
  const nb = o.notBefore.getTime();
  const lifetime = Math.max(0, o.notAfter.getTime() - nb);
  const offset = lifetime * RENEW_FRACTION * (1 - RENEW_JITTER + 2 * RENEW_JITTER * clamp01(o.u));
  let at = nb + offset;
  const now = o.now.getTime();
  if (o.renewBefore !== undefined) {
    const hint = o.renewBefore.getTime();
    if (hint <= now) at = now;
    else if (hint < at) at = now + (hint - now) * clamp01(o.uHint ?? o.u);
  }
  return new Date(Math.max(now, at));
}

/**
 * Delay before retry number `attempt` (0 = first retry): "equal jitter" exponential backoff,
 * between half and all of `min(cap, base·2^attempt)`, so retries of many sidecars spread out but
 * never collapse to zero. A server `retryAfterMs` hint is a floor (still capped at `capMs`).
 */
export function backoffDelayMs(
  attempt: number,
  u: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  retryAfterMs?: number,
): number {
  const n = Math.max(0, Math.min(Math.floor(attempt), 30)); // 2^30 already exceeds any sane cap
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** n);
  const delay = ceiling / 2 + (ceiling / 2) * clamp01(u);
  return Math.round(Math.min(policy.capMs, Math.max(delay, retryAfterMs ?? 0)));
}

function clamp01(u: number): number {
  return Number.isFinite(u) ? Math.min(Math.max(u, 0), 1) : 0.5;
}
