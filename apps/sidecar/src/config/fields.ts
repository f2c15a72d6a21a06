/**
 * Field validators shared by the config parser. Each returns the parsed value or `undefined`
 * after recording an issue on the {@link IssueList}; none throws, so every problem gets listed.
 */
import { isIP } from 'node:net';
import type { ConfigIssue, ConfigIssueCode } from '../errors';
import type { HostPort } from './types';

/** Collects problems in document order. */
export class IssueList {
  readonly items: ConfigIssue[] = [];

  /** Records one issue; returns `undefined` so validators can `return issues.add(…)`. */
  add(path: string, code: ConfigIssueCode, message: string): undefined {
    this.items.push({ path, code, message });
    return undefined;
  }
}

/** A YAML mapping as a plain record, or `undefined` (issue recorded) when it is something else. */
export type Mapping = Record<string, unknown>;

/** Service type and route names: `[a-z][a-z0-9-]{0,30}` (DESIGN.md "Trust model"). */
export const NAME_RE = /^[a-z][a-z0-9-]{0,30}$/;
/** Instance ids end up in a SPIFFE path segment: keep them to DNS-label characters. */
export const INSTANCE_RE = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;
const HOSTNAME_RE = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const DURATION_RE = /^(\d{1,9})(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A mapping at `path`; REQUIRED when absent (unless optional), WRONG_TYPE when not a mapping. */
export function mapping(v: unknown, path: string, issues: IssueList, required = true): Mapping | undefined {
  if (v === undefined || v === null) {
    return required ? issues.add(path, 'REQUIRED', 'is required') : undefined;
  }
  if (typeof v !== 'object' || Array.isArray(v)) return issues.add(path, 'WRONG_TYPE', 'must be a mapping');
  return v as Mapping;
}

/** Records UNKNOWN_FIELD for every key not in `known` (catches typos such as `acept`). */
export function onlyKnown(m: Mapping, known: readonly string[], path: string, issues: IssueList): void {
  for (const k of Object.keys(m)) {
    if (!known.includes(k)) issues.add(path ? `${path}.${k}` : k, 'UNKNOWN_FIELD', 'is not a known field');
  }
}

/** A non-empty string; REQUIRED when absent (unless optional), WRONG_TYPE otherwise. */
export function str(v: unknown, path: string, issues: IssueList, required = true): string | undefined {
  if (v === undefined || v === null) return required ? issues.add(path, 'REQUIRED', 'is required') : undefined;
  if (typeof v !== 'string' || v.length === 0) return issues.add(path, 'WRONG_TYPE', 'must be a non-empty string');
  return v;
}

/** A service type or route name ({@link NAME_RE}); INVALID_NAME otherwise. */
export function name(v: unknown, path: string, issues: IssueList): string | undefined {
  const s = str(v, path, issues);
  if (s === undefined) return undefined;
  if (!NAME_RE.test(s)) return issues.add(path, 'INVALID_NAME', 'must match [a-z][a-z0-9-]{0,30}');
  return s;
}

/**
 * `host:port` or `[v6]:port`. `allowZero` admits port 0 (listeners only: "any free port").
 * Hosts are IP literals or DNS names; no scheme, no path.
 */
export function hostPort(v: unknown, path: string, issues: IssueList, allowZero: boolean): HostPort | undefined {
  const s = str(v, path, issues);
  if (s === undefined) return undefined;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s);
  const host = m ? (m[1] ?? m[2]) : undefined;
  const port = m ? Number(m[3]) : NaN;
  const hostOk = host !== undefined && (m?.[1] !== undefined ? isIP(host) === 6 : isIP(host) === 4 || HOSTNAME_RE.test(host));
  const portOk = Number.isInteger(port) && port <= 65535 && (allowZero ? port >= 0 : port >= 1);
  if (!hostOk || !portOk || host === undefined) {
    return issues.add(path, 'INVALID_ADDRESS', `must be host:port with port ${allowZero ? '0' : '1'}-65535`);
  }
  return { host, port };
}

/** Durations are strings with a unit: `500ms`, `10s`, `5m`, `1h`; bounds in milliseconds. */
export function duration(v: unknown, path: string, issues: IssueList, fallback: number, minMs: number, maxMs: number): number | undefined {
  if (v === undefined || v === null) return fallback;
  const m = typeof v === 'string' ? DURATION_RE.exec(v) : null;
  if (!m) return issues.add(path, 'INVALID_DURATION', 'must be a duration such as 500ms, 10s, 5m or 1h');
  const ms = Number(m[1]) * UNIT_MS[m[2]];
  if (ms < minMs || ms > maxMs) return issues.add(path, 'INVALID_DURATION', `must be between ${minMs}ms and ${maxMs}ms`);
  return ms;
}

/** An integer in [min, max], `fallback` when absent; INVALID_NUMBER otherwise. */
export function integer(v: unknown, path: string, issues: IssueList, fallback: number, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    return issues.add(path, 'INVALID_NUMBER', `must be an integer between ${min} and ${max}`);
  }
  return v;
}

/** A YAML sequence, or `undefined` with an issue. */
export function list(v: unknown, path: string, issues: IssueList): unknown[] | undefined {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return issues.add(path, 'WRONG_TYPE', 'must be a list');
  return v;
}

/** Deep-freezes plain data so no module can mutate the shared config. */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}
