import { dnsTemplateProblem } from './dns-template';
import { parseDuration } from './duration';
import type { PolicyError } from './errors';
import {
  DEFAULT_KEY_TYPES,
  DEFAULT_LEAF_TTL_SECONDS,
  DEFAULT_MAX_TTL_SECONDS,
  KEY_TYPES,
  MAX_TTL_LIMIT_SECONDS,
  MIN_TTL_SECONDS,
  MeshConfig,
  PolicyKeyType,
  ServiceTypePolicy,
  deepFreeze,
} from './mesh-config';
import { serviceTypeNameProblem, trustDomainProblem } from './names';

/** A path into the config document, e.g. `['types', 'api', 'dials', 0]`. */
export type ConfigPath = readonly (string | number)[];

/** One problem with its path (still structured, so the YAML layer can find the line). */
export interface RawIssue {
  path: ConfigPath;
  message: string;
}

const TOP_FIELDS = ['trustDomain', 'types'];
const TYPE_FIELDS = ['accepts', 'dials', 'leafTtl', 'maxTtl', 'keyTypes', 'dnsTemplates', 'allowIpSans'];

/** Renders a path as `types.api.dials[0]`. */
export function formatPath(path: ConfigPath): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Validates a plain (already YAML-decoded) config value and builds the frozen MeshConfig.
 * Never throws: returns every issue found; `config` is set only when there are none.
 */
export function validateMeshConfig(raw: unknown): { config?: MeshConfig; issues: RawIssue[] } {
  const issues: RawIssue[] = [];
  const add = (path: ConfigPath, message: string) => issues.push({ path, message });
  if (!isPlainObject(raw)) {
    add([], 'must be a mapping with trustDomain and types');
    return { issues };
  }
  for (const k of Object.keys(raw)) if (!TOP_FIELDS.includes(k)) add([k], 'unknown field');
  const tdProblem = trustDomainProblem(raw.trustDomain);
  if (tdProblem) add(['trustDomain'], tdProblem);
  const trustDomain = typeof raw.trustDomain === 'string' ? raw.trustDomain : '';

  const types: Record<string, ServiceTypePolicy> = {};
  if (!isPlainObject(raw.types)) {
    add(['types'], 'must be a mapping of service type name to its policy');
  } else if (Object.keys(raw.types).length === 0) {
    add(['types'], 'must define at least one service type');
  } else {
    for (const [name, body] of Object.entries(raw.types)) {
      const nameProblem = serviceTypeNameProblem(name);
      if (nameProblem) add(['types', name], `bad type name: ${nameProblem}`);
      const policy = validateType(name, body, trustDomain, add);
      // Only valid names become keys (never `__proto__` and the like).
      if (policy && !nameProblem) types[name] = policy;
    }
    checkMatrix(raw.types, add);
  }
  if (issues.length > 0) return { issues };
  return { config: deepFreeze({ trustDomain, types }), issues };
}

type Add = (path: ConfigPath, message: string) => void;

function validateType(name: string, body: unknown, trustDomain: string, add: Add): ServiceTypePolicy | null {
  const at = (...p: (string | number)[]) => ['types', name, ...p];
  // `db:` with no value and `db: {}` both mean "all defaults".
  if (body === null || body === undefined) body = {};
  if (!isPlainObject(body)) {
    add(at(), 'must be a mapping (or empty)');
    return null;
  }
  // Count this type's own issues: a type with any problem yields no policy object.
  let problems = 0;
  const addCounted: Add = (p, m) => {
    problems++;
    add(p, m);
  };
  for (const k of Object.keys(body)) if (!TYPE_FIELDS.includes(k)) addCounted(at(k), 'unknown field');
  const accepts = stringList(body.accepts, at('accepts'), addCounted);
  const dials = stringList(body.dials, at('dials'), addCounted);
  const maxTtl = ttlField(body.maxTtl, at('maxTtl'), DEFAULT_MAX_TTL_SECONDS, addCounted);
  const leafDefault = Math.min(DEFAULT_LEAF_TTL_SECONDS, maxTtl ?? DEFAULT_MAX_TTL_SECONDS);
  const leafTtl = ttlField(body.leafTtl, at('leafTtl'), leafDefault, addCounted);
  if (leafTtl !== null && maxTtl !== null && leafTtl > maxTtl) {
    addCounted(at('leafTtl'), 'must not exceed maxTtl');
  }
  const keyTypes = keyTypesField(body.keyTypes, at('keyTypes'), addCounted);
  const dnsTemplates = stringList(body.dnsTemplates, at('dnsTemplates'), addCounted);
  dnsTemplates.forEach((t, i) => {
    const problem = dnsTemplateProblem(t, name, trustDomain);
    if (problem) addCounted(at('dnsTemplates', i), problem);
  });
  if (body.allowIpSans !== undefined && typeof body.allowIpSans !== 'boolean') {
    addCounted(at('allowIpSans'), 'must be true or false');
  }
  if (problems > 0 || leafTtl === null || maxTtl === null) return null;
  return {
    name,
    accepts: [...new Set(accepts)].sort(),
    dials: [...new Set(dials)].sort(),
    leafTtlSeconds: leafTtl,
    maxTtlSeconds: maxTtl,
    keyTypes,
    dnsTemplates: [...new Set(dnsTemplates)],
    allowIpSans: body.allowIpSans === true,
  };
}

function stringList(v: unknown, path: ConfigPath, add: Add): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    add(path, 'must be a list');
    return [];
  }
  const out: string[] = [];
  v.forEach((item, i) => {
    if (typeof item !== 'string') add([...path, i], 'must be a string');
    else if (out.includes(item)) add([...path, i], `duplicate entry '${item}'`);
    else out.push(item);
  });
  return out;
}

function ttlField(v: unknown, path: ConfigPath, dflt: number, add: Add): number | null {
  if (v === undefined || v === null) return dflt;
  let seconds: number;
  try {
    seconds = parseDuration(v as string);
  } catch (err) {
    add(path, `bad duration: ${(err as PolicyError).detail ?? 'invalid'}`);
    return null;
  }
  if (seconds < MIN_TTL_SECONDS || seconds > MAX_TTL_LIMIT_SECONDS) {
    add(path, 'must be between 60s and 365d');
    return null;
  }
  return seconds;
}

function keyTypesField(v: unknown, path: ConfigPath, add: Add): PolicyKeyType[] {
  if (v === undefined || v === null) return [...DEFAULT_KEY_TYPES];
  const list = stringList(v, path, add);
  if (Array.isArray(v) && v.length === 0) add(path, 'must list at least one key type');
  list.forEach((k) => {
    if (!(KEY_TYPES as readonly string[]).includes(k)) {
      add([...path, (v as unknown[]).indexOf(k)], `unknown key type; allowed: ${KEY_TYPES.join(', ')}`);
    }
  });
  return list.filter((k): k is PolicyKeyType => (KEY_TYPES as readonly string[]).includes(k));
}

/**
 * Every edge must be declared on both ends (`a dials b` ⇔ `b accepts a`) and name a defined
 * type. Reads the raw lists (not only the valid types) so one bad type does not hide others'
 * matrix problems; indexes refer to the raw lists, which is what the operator edits.
 */
function checkMatrix(rawTypes: Record<string, unknown>, add: Add): void {
  const names = Object.keys(rawTypes);
  const list = (t: string, field: 'accepts' | 'dials'): unknown[] => {
    const body = rawTypes[t];
    const v = isPlainObject(body) ? body[field] : undefined;
    return Array.isArray(v) ? v : [];
  };
  for (const a of names) {
    for (const field of ['dials', 'accepts'] as const) {
      const other = field === 'dials' ? 'accepts' : 'dials';
      list(a, field).forEach((b, i) => {
        if (typeof b !== 'string') return;
        if (!names.includes(b)) {
          add(['types', a, field, i], `unknown type '${b}'`);
        } else if (!list(b, other).includes(a)) {
          const verb =
            field === 'dials'
              ? `${a} dials ${b} but ${b} does not accept ${a}`
              : `${a} accepts ${b} but ${b} does not dial ${a}`;
          add(['types', a, field, i], verb);
        }
      });
    }
  }
}
