import { LineCounter, parseDocument, isNode } from 'yaml';
import { PolicyError, PolicyIssue, formatIssues } from './errors';
import { ConfigPath, RawIssue, formatPath, validateMeshConfig } from './config-validate';
import { MeshConfig } from './mesh-config';

/** Largest config text accepted (a mesh config is a few KiB; this bounds parser work). */
export const MAX_CONFIG_BYTES = 1_048_576;

/**
 * Parses `trustmesh.yaml` text into a deep-frozen MeshConfig with every default applied.
 * Duplicate keys, YAML syntax errors, unknown fields, bad names, bad durations, unknown types
 * and asymmetric edges are all collected before failing, each with its path and line.
 *
 * @throws PolicyError CONFIG_INVALID, with `issues` listing every problem
 */
export function parseMeshConfig(yamlText: string): MeshConfig {
  if (typeof yamlText !== 'string' || yamlText.length > MAX_CONFIG_BYTES) {
    throw invalid([{ path: '', message: `config must be text of at most ${MAX_CONFIG_BYTES} bytes` }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw invalid(
      doc.errors.map((e) => ({
        path: '',
        // prettyErrors appends a code excerpt after the first line; keep the line, drop its ':'.
        message: `YAML: ${e.message.split('\n')[0].replace(/:$/, '')}`,
        line: e.linePos?.[0].line,
      })),
    );
  }
  let raw: unknown;
  try {
    // maxAliasCount bounds alias expansion ("billion laughs").
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw invalid([{ path: '', message: `YAML: ${(err as Error).message.split('\n')[0]}` }]);
  }
  const { config, issues } = validateMeshConfig(raw);
  if (config) return config;
  throw invalid(issues.map((i) => withLine(i, doc, lineCounter)));
}

/**
 * Builds the config `trustmesh init --trust-domain TD --types a,b` implies: each type with all
 * defaults and no edges. Validated like a parsed file (paths are `types.<name>`).
 *
 * @throws PolicyError CONFIG_INVALID (bad trust domain, bad/reserved/duplicate names, no types)
 */
export function meshConfigFromTypes(trustDomain: string, types: string[]): MeshConfig {
  const dupes = types.filter((t, i) => types.indexOf(t) !== i);
  const raw = { trustDomain, types: Object.fromEntries(types.map((t) => [t, {}])) };
  const { config, issues } = validateMeshConfig(raw);
  const all: PolicyIssue[] = [
    ...issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    ...dupes.map((t) => ({ path: `types.${t}`, message: 'listed more than once' })),
  ];
  if (config && all.length === 0) return config;
  throw invalid(all);
}

function invalid(issues: PolicyIssue[]): PolicyError {
  return new PolicyError('CONFIG_INVALID', formatIssues(issues), issues);
}

/** Finds the line of the deepest node that exists along `path` (a missing key points at its parent). */
function withLine(issue: RawIssue, doc: ReturnType<typeof parseDocument>, lc: LineCounter): PolicyIssue {
  const out: PolicyIssue = { path: formatPath(issue.path), message: issue.message };
  for (let n = issue.path.length; n >= 0; n--) {
    const node = doc.getIn(issue.path.slice(0, n) as ConfigPath as unknown[], true);
    if (isNode(node) && node.range) {
      out.line = lc.linePos(node.range[0]).line;
      break;
    }
  }
  return out;
}
