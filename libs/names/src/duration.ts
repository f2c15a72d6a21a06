/**
 * Durations, one dialect for every config and flag:
 *   duration = [1-9] [0-9]{0,8} unit        unit = "ms" | "s" | "m" | "h" | "d"
 * A positive whole number (at most 9 digits, no leading zero, no sign, no fraction) and exactly
 * one unit, nothing else: `500ms`, `10s`, `5m`, `1h`, `7d`. Zero, compound forms (`1h30m`),
 * upper-case units, spaces and bare numbers are refused, so a value means exactly one thing.
 */
import { NameError, problem, type NameProblem } from './errors';

const DURATION_RE = /^([1-9][0-9]{0,8})(ms|s|m|h|d)$/;
const UNIT_MS: Readonly<Record<string, number>> = Object.freeze({
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
});

const BAD = problem(
  'DURATION_INVALID',
  'must be a positive whole number and one unit ms, s, m, h or d, e.g. 500ms, 10s, 5m, 24h, 7d',
);
const TOO_LARGE = problem('DURATION_INVALID', 'is too large');
const NOT_WHOLE_SECONDS = problem('DURATION_INVALID', 'must be a whole number of seconds');

/** Milliseconds, or the problem. */
function toMs(text: unknown): number | NameProblem {
  const m = typeof text === 'string' ? DURATION_RE.exec(text) : null;
  if (!m) return BAD;
  const ms = Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return Number.isSafeInteger(ms) ? ms : TOO_LARGE;
}

/** Why `text` is not a duration (grammar above), or null when it is. */
export function durationProblem(text: unknown): NameProblem | null {
  const r = toMs(text);
  return typeof r === 'number' ? null : r;
}

/** The duration in milliseconds (always ≥ 1). @throws NameError DURATION_INVALID */
export function parseDurationMs(text: unknown): number {
  const r = toMs(text);
  if (typeof r !== 'number') throw new NameError(r);
  return r;
}

/**
 * The duration in whole seconds, for settings kept in seconds (certificate lifetimes, windows):
 * `90s`, `15m`, `2000ms`; a value with a sub-second part (`1500ms`, `10ms`) is refused.
 * @throws NameError DURATION_INVALID
 */
export function parseDurationSeconds(text: unknown): number {
  const ms = parseDurationMs(text);
  if (ms % 1000 !== 0) throw new NameError(NOT_WHOLE_SECONDS);
  return ms / 1000;
}
