import { PolicyError } from './errors';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a duration written as a positive whole number and one unit: `90s`, `15m`, `24h`, `7d`.
 * Returns seconds. Compound forms (`1h30m`), fractions, signs, zero and spaces are refused so a
 * config means exactly one thing.
 *
 * @throws PolicyError DURATION_INVALID
 */
export function parseDuration(text: string): number {
  const m = typeof text === 'string' ? /^([1-9][0-9]{0,8})([smhd])$/.exec(text) : null;
  if (!m) {
    throw new PolicyError('DURATION_INVALID', `expected a number and a unit s|m|h|d, e.g. 24h`);
  }
  return Number(m[1]) * UNIT_SECONDS[m[2]];
}

/** Formats seconds with the largest unit that divides it exactly (`86400` → `24h`, `90` → `90s`). */
export function formatDuration(seconds: number): string {
  if (seconds % 86400 === 0 && seconds >= 86400 * 2) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
