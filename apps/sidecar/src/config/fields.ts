/**
 * Field validators shared by the config parser. Each returns the parsed value or `undefined`
 * after recording an issue on the {@link IssueList}; none throws, so every problem gets listed.
 */
import {
  dnsLabelProblem,
  durationProblem,
  hostPortProblem,
  instanceIdProblem,
  parseDurationMs,
  parseHostPort,
  typeNameProblem,
  type NameProblem,
} from '@trustmesh/names';
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

  /** Records a grammar problem of libs/names under its own code (`TYPE_NAME_INVALID`, …). */
  addProblem(path: string, p: NameProblem): undefined {
    return this.add(path, p.code, p.message);
  }
}

/** A YAML mapping as a plain record, or `undefined` (issue recorded) when it is something else. */
export type Mapping = Record<string, unknown>;

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

/**
 * A string checked by one grammar of libs/names: REQUIRED when absent, WRONG_TYPE when not a
 * string, else the grammar's own code when `check` finds a problem (an empty string included).
 */
function grammarChecked(
  v: unknown,
  path: string,
  issues: IssueList,
  check: (s: string) => NameProblem | null,
): string | undefined {
  if (v === undefined || v === null) return issues.add(path, 'REQUIRED', 'is required');
  if (typeof v !== 'string') return issues.add(path, 'WRONG_TYPE', 'must be a string');
  const p = check(v);
  return p ? issues.addProblem(path, p) : v;
}

/** A service type name (libs/names grammar); TYPE_NAME_INVALID otherwise. */
export function typeName(v: unknown, path: string, issues: IssueList): string | undefined {
  return grammarChecked(v, path, issues, typeNameProblem);
}

/** An instance id (libs/names grammar: what the signer issues); INSTANCE_ID_INVALID otherwise. */
export function instanceId(v: unknown, path: string, issues: IssueList): string | undefined {
  return grammarChecked(v, path, issues, instanceIdProblem);
}

/**
 * A route name: one lowercase DNS label (libs/names `dnsLabelProblem`: 1–63 of `[a-z0-9-]`, no
 * edge hyphen); it names a route in logs and metrics, it is not a type. DNS_NAME_INVALID otherwise.
 */
export function routeName(v: unknown, path: string, issues: IssueList): string | undefined {
  return grammarChecked(v, path, issues, dnsLabelProblem);
}

/**
 * `host:port` or `[v6]:port` (libs/names grammar: IPv4, DNS name or bracketed IPv6; no scheme,
 * no path). `allowZero` admits port 0 (listeners only: "any free port"). ADDRESS_INVALID otherwise.
 */
export function hostPort(v: unknown, path: string, issues: IssueList, allowZero: boolean): HostPort | undefined {
  const s = grammarChecked(v, path, issues, (t) => hostPortProblem(t, { allowPortZero: allowZero }));
  return s === undefined ? undefined : parseHostPort(s, { allowPortZero: allowZero });
}

/**
 * Durations in the one dialect of libs/names (`500ms`, `10s`, `5m`, `1h`, `1d`), `fallback` when
 * absent; DURATION_INVALID when malformed or outside [minMs, maxMs].
 */
export function duration(
  v: unknown,
  path: string,
  issues: IssueList,
  fallback: number,
  minMs: number,
  maxMs: number,
): number | undefined {
  if (v === undefined || v === null) return fallback;
  const p = durationProblem(v);
  if (p) return issues.addProblem(path, p);
  const ms = parseDurationMs(v);
  if (ms < minMs || ms > maxMs)
    return issues.add(path, 'DURATION_INVALID', `must be between ${minMs}ms and ${maxMs}ms`);
  return ms;
}

/** An integer in [min, max], `fallback` when absent; INVALID_NUMBER otherwise. */
export function integer(
  v: unknown,
  path: string,
  issues: IssueList,
  fallback: number,
  min: number,
  max: number,
): number | undefined {
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
