/**
 * The sidecar's timing rules, re-implemented for the benchmark (bench code may not import apps;
 * the original is apps/sidecar/src/control/schedule.ts, used by identity-manager.ts). Kept
 * line-for-line equivalent so the simulated fleet spreads its renewals exactly as real sidecars:
 *
 * - renewal at 2/3 of the lifetime ±10%; a bundle's renew-before hint that is earlier pulls it to
 *   a uniformly random moment between now and the hint (a hint already past means "now");
 * - after a failure, "equal jitter" exponential backoff (500 ms doubling, capped at 30 s) with the
 *   signer's `retry-after-ms` as a floor.
 */

/** Renewal point as a fraction of the lifetime (sidecar: RENEW_FRACTION). */
const RENEW_FRACTION = 2 / 3;
/** ± jitter around the renewal point (sidecar: RENEW_JITTER). */
const RENEW_JITTER = 0.1;
/** Backoff bounds (sidecar: DEFAULT_BACKOFF). */
const BACKOFF = { baseMs: 500, capMs: 30_000 };

/**
 * When a certificate valid from `notBefore` to `notAfter` is renewed, given the hint (if any).
 * Never earlier than `now`. `u` and `uHint` are uniform random numbers in [0, 1).
 */
export function renewalTime(o: { notBefore: Date; notAfter: Date; now: Date; u: number; renewBefore?: Date; uHint?: number }): Date {
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

/** Delay (ms) before retry number `attempt` (0 = first retry); `retryAfterMs` is a floor, capped at 30 s. */
export function backoffDelayMs(attempt: number, u: number, retryAfterMs?: number): number {
  const n = Math.max(0, Math.min(Math.floor(attempt), 30));
  const ceiling = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** n);
  const delay = ceiling / 2 + (ceiling / 2) * clamp01(u);
  return Math.round(Math.min(BACKOFF.capMs, Math.max(delay, retryAfterMs ?? 0)));
}

function clamp01(u: number): number {
  return Number.isFinite(u) ? Math.min(Math.max(u, 0), 1) : 0.5;
}
