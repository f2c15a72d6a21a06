import { isNameError, parseDurationSeconds } from '@trustmesh/names';
import { PolicyError } from './errors';

/**
 * Parses a duration in the one dialect of libs/names (a positive whole number and one unit
 * `ms|s|m|h|d`: `90s`, `15m`, `24h`, `7d`) into whole seconds, the unit of every policy setting.
 * Compound forms (`1h30m`), fractions, signs, zero, spaces and sub-second values (`1500ms`) are
 * refused so a config means exactly one thing.
 *
 * @throws PolicyError DURATION_INVALID
 */
export function parseDuration(text: string): number {
  try {
    return parseDurationSeconds(text);
  } catch (err) {
    if (isNameError(err)) throw new PolicyError('DURATION_INVALID', err.message);
    throw err;
  }
}

/** Formats seconds with the largest unit that divides it exactly (`86400` → `24h`, `90` → `90s`). */
export function formatDuration(seconds: number): string {
  if (seconds % 86400 === 0 && seconds >= 86400 * 2) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
