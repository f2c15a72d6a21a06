/**
 * In-place edits of a peer's deploy/<type>/sidecar.yaml that keep it in step with the trust
 * matrix: a new type dialing the peer joins the accept list of its inbound route (or gets an
 * inbound route of its own); a new type the peer may dial gets an outbound route. Removing a type
 * takes out exactly those entries again. Same splice rules as trustmesh.yaml (yaml-splice.ts):
 * untouched lines keep their bytes, new items copy their siblings' style.
 */
import { isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { GeneratorError } from './errors';
import {
  afterLine,
  appendToSeq,
  asMap,
  columnOf,
  findPair,
  isFlow,
  lineStart,
  parseForEdit,
  rangeOf,
  removeFromSeq,
  removePair,
  splice,
} from './yaml-splice';

/** A route as plain `key: value` pairs, in the order they are written. */
export type RouteFields = readonly (readonly [string, string])[];

function rootMap(text: string, file: string): YAMLMap {
  const root = asMap(parseForEdit(text, file).contents, `${file}: (document)`);
  if (isFlow(root)) throw new GeneratorError('CONFIG_UNSUPPORTED', `${file}: a flow-style document`);
  return root;
}

/** The block sequence under `key`, undefined when the key is absent. */
function routeList(root: YAMLMap, key: string, file: string): YAMLSeq | undefined {
  const pair = findPair(root, key);
  if (!pair) return undefined;
  if (!isSeq(pair.value) || isFlow(pair.value) || pair.value.items.length === 0) {
    throw new GeneratorError('CONFIG_UNSUPPORTED', `${file}: ${key} must be a non-empty block list`);
  }
  return pair.value;
}

/** One route rendered like `like` (a `- { ... }` line, or `- key: value` lines), or block style. */
function renderRoute(text: string, seq: YAMLSeq | undefined, fields: RouteFields, dashIndent: string): string {
  const like = seq?.items[seq.items.length - 1];
  if (isMap(like) && isFlow(like)) {
    return `${dashIndent}- { ${fields.map(([k, v]) => `${k}: ${v}`).join(', ')} }\n`;
  }
  const inner = isMap(like) ? ' '.repeat(columnOf(text, rangeOf(like.items[0].key, 'route')[0])) : `${dashIndent}  `;
  return fields.map(([k, v], i) => `${i === 0 ? `${dashIndent}- ` : inner}${k}: ${v}\n`).join('');
}

/** Offset where a new top-level key goes: before `beforeKey` and the comment lines above it. */
function insertionPoint(text: string, root: YAMLMap, beforeKeys: readonly string[]): number {
  const next = beforeKeys.map((k) => findPair(root, k)).find((p) => p !== undefined);
  if (!next) return text.length;
  let at = lineStart(text, rangeOf(next.key, 'key')[0]);
  while (at > 0) {
    const prev = lineStart(text, at - 1);
    if (!text.slice(prev, at).trimStart().startsWith('#')) break;
    at = prev;
  }
  return at;
}

/**
 * Appends a route to the `inbound` or `outbound` list, creating the list (just before the keys
 * that follow it in the sidecar format) when the file has none.
 *
 * @throws GeneratorError CONFIG_INVALID (YAML syntax), CONFIG_UNSUPPORTED (flow-style lists)
 */
export function addRoute(text: string, file: string, key: 'inbound' | 'outbound', fields: RouteFields): string {
  const root = rootMap(text, file);
  const seq = routeList(root, key, file);
  if (seq) {
    const last = rangeOf(seq.items[seq.items.length - 1], `${file}: ${key}`);
    const dash = text.lastIndexOf('-', last[0]);
    const at = afterLine(text, last[1]);
    const nl = at === text.length && !text.endsWith('\n') ? '\n' : '';
    return splice(text, at, at, nl + renderRoute(text, seq, fields, text.slice(lineStart(text, dash), dash)));
  }
  const follows =
    key === 'inbound'
      ? ['outbound', 'admin', 'keyFile', 'tlsMinVersion', 'limits']
      : ['admin', 'keyFile', 'tlsMinVersion', 'limits'];
  const at = insertionPoint(text, root, follows);
  const nl = at === text.length && text.length > 0 && !text.endsWith('\n') ? '\n' : '';
  return splice(text, at, at, `${nl}${key}:\n${renderRoute(text, undefined, fields, '  ')}`);
}

/**
 * Adds `type` to the accept list of the first inbound route. Returns null (text unchanged) when
 * the file has no inbound route.
 */
export function acceptOnFirstInbound(
  text: string,
  file: string,
  type: string,
): { text: string; listen: string } | null {
  const seq = routeList(rootMap(text, file), 'inbound', file);
  if (!seq) return null;
  const route = asMap(seq.items[0], `${file}: inbound[0]`);
  const accept = findPair(route, 'accept');
  const listen = findPair(route, 'listen');
  if (!accept || !isSeq(accept.value) || accept.value.items.length === 0 || !listen || !isScalar(listen.value)) {
    throw new GeneratorError('CONFIG_UNSUPPORTED', `${file}: inbound[0] needs listen and a non-empty accept list`);
  }
  return {
    text: appendToSeq(text, accept.value, type, `${file}: inbound[0].accept`),
    listen: String(listen.value.value),
  };
}

/** Removes list `key` entirely when its last route goes, else just that route. */
function dropRoute(text: string, root: YAMLMap, key: string, seq: YAMLSeq, index: number, file: string): string {
  return seq.items.length === 1
    ? removePair(text, root, key, file)
    : removeFromSeq(text, seq, index, `${file}: ${key}`);
}

/** One edit of {@link removeTypeFromSidecar}, or null when nothing names `type` any more. */
function removeOne(text: string, file: string, type: string): string | null {
  const root = rootMap(text, file);
  const inbound = routeList(root, 'inbound', file);
  for (const [i, item] of (inbound?.items ?? []).entries()) {
    const accept = isMap(item) ? findPair(item, 'accept') : undefined;
    if (!accept || !isSeq(accept.value)) continue;
    const at = accept.value.items.findIndex((t) => isScalar(t) && t.value === type);
    if (at < 0) continue;
    if (accept.value.items.length > 1) return removeFromSeq(text, accept.value, at, `${file}: inbound[${i}].accept`);
    return dropRoute(text, root, 'inbound', inbound!, i, file);
  }
  const outbound = routeList(root, 'outbound', file);
  for (const [i, item] of (outbound?.items ?? []).entries()) {
    const peer = isMap(item) ? findPair(item, 'peerType') : undefined;
    if (peer && isScalar(peer.value) && peer.value.value === type)
      return dropRoute(text, root, 'outbound', outbound!, i, file);
  }
  return null;
}

/**
 * Takes `type` out of a sidecar config: out of every inbound accept list (a route left with no
 * accepted type goes, and `inbound:` with its last route), and every outbound route to it.
 */
export function removeTypeFromSidecar(text: string, file: string, type: string): string {
  let out = text;
  // Each pass removes one entry and re-parses; a file has a bounded number of routes.
  for (let i = 0; i < 1000; i++) {
    const next = removeOne(out, file, type);
    if (next === null) return out;
    out = next;
  }
  throw new GeneratorError('CONFIG_UNSUPPORTED', `${file}: too many routes name ${type}`);
}
