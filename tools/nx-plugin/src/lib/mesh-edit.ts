/**
 * Edits of `trustmesh.yaml` text that keep the trust matrix symmetric: adding a type that dials
 * `c` adds it to `c`'s accepts, accepting `a` adds it to `a`'s dials; removing a type takes it
 * out of every other type's lists. Comments, key order, alignment and flow/block style of every
 * untouched line stay as they were (see yaml-splice.ts for why these are text splices).
 */
import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { GeneratorError } from './errors';
import {
  afterLine,
  appendPair,
  appendToSeq,
  asMap,
  columnOf,
  findPair,
  flowPadding,
  isFlow,
  pairEnd,
  parseForEdit,
  rangeOf,
  removeFromSeq,
  removePair,
  splice,
} from './yaml-splice';

/** A new service type as the generator adds it. `leafTtl` is written only when given. */
export interface NewServiceType {
  name: string;
  accepts: readonly string[];
  dials: readonly string[];
  leafTtl?: string;
}

/** The edge lists the generator maintains. */
export type EdgeKey = 'accepts' | 'dials';

const FILE = 'trustmesh.yaml';

/** The block mapping under `types:`; flow-style `types: {...}` is not edited in place. */
function typesMap(text: string): YAMLMap {
  const doc = parseForEdit(text, FILE);
  const types = asMap(doc.get('types', true), `${FILE}: types`);
  if (isFlow(types) || types.items.length === 0) {
    throw new GeneratorError('CONFIG_UNSUPPORTED', `${FILE}: types must be a non-empty block mapping`);
  }
  return types;
}

/** Padding style of flow sequences in the file (`[a]` unless the file writes `[ a ]`). */
function seqPadding(text: string, types: YAMLMap): string {
  for (const pair of types.items) {
    if (!isMap(pair.value)) continue;
    for (const inner of pair.value.items) {
      if (isSeq(inner.value) && isFlow(inner.value)) return flowPadding(text, inner.value);
    }
  }
  return '';
}

function flowSeq(items: readonly string[], pad: string): string {
  return `[${pad}${items.join(', ')}${pad}]`;
}

/** Whether the type bodies use block-style lists (`- a` lines) rather than `[a]`. */
function usesBlockSeqs(types: YAMLMap): boolean {
  return types.items.some(
    (p) => isMap(p.value) && p.value.items.some((inner) => isSeq(inner.value) && !isFlow(inner.value)),
  );
}

/** `key:` plus one `- item` line, as the block-style lines of a mapping indented by `indent`. */
function blockList(key: string, item: string, indent: string): string {
  return `${indent}${key}:\n${indent}  - ${item}\n`;
}

/**
 * Adds `item` to `types.<owner>.<key>`, creating the list when it is absent (block `- item`
 * lines when the file writes its lists that way, else `[item]`).
 */
export function addEdge(text: string, owner: string, key: EdgeKey, item: string): string {
  const types = typesMap(text);
  const what = `${FILE}: types.${owner}`;
  const pair = findPair(types, owner);
  if (!pair) throw new GeneratorError('TYPE_UNKNOWN', owner);
  const seqText = flowSeq([item], seqPadding(text, types));
  if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
    // `db:` with no body: block lines under it in a block-style file, else a flow body.
    const keyEnd = rangeOf(pair.key, what)[1];
    if (usesBlockSeqs(types)) {
      const at = afterLine(text, keyEnd);
      const inner = ' '.repeat(columnOf(text, rangeOf(pair.key, what)[0]) + 2);
      return splice(
        text,
        at,
        at,
        `${at === text.length && !text.endsWith('\n') ? '\n' : ''}${blockList(key, item, inner)}`,
      );
    }
    const colon = text.indexOf(':', keyEnd);
    return splice(text, colon + 1, colon + 1, ` { ${key}: ${seqText} }`);
  }
  const body = asMap(pair.value, what);
  const list = findPair(body, key);
  if (!list) {
    if (isFlow(body) || !usesBlockSeqs(types)) return appendPair(text, body, key, seqText, what);
    const at = afterLine(text, pairEnd(body.items[body.items.length - 1], what));
    const inner = ' '.repeat(columnOf(text, rangeOf(body.items[0].key, what)[0]));
    return splice(
      text,
      at,
      at,
      `${at === text.length && !text.endsWith('\n') ? '\n' : ''}${blockList(key, item, inner)}`,
    );
  }
  if (!isSeq(list.value)) throw new GeneratorError('CONFIG_UNSUPPORTED', `${what}.${key} is not a list`);
  return appendToSeq(text, list.value, item, `${what}.${key}`);
}

/** Removes `item` from `types.<owner>.<key>`; drops the key when the list becomes empty. */
export function removeEdge(text: string, owner: string, key: EdgeKey, item: string): string {
  const types = typesMap(text);
  const what = `${FILE}: types.${owner}`;
  const pair = findPair(types, owner);
  if (!pair || !isMap(pair.value)) return text;
  const list = findPair(pair.value, key);
  if (!list || !isSeq(list.value)) return text;
  const index = list.value.items.findIndex((i) => isScalar(i) && i.value === item);
  if (index < 0) return text;
  if (list.value.items.length === 1) return removePair(text, pair.value, key, what);
  return removeFromSeq(text, list.value, index, `${what}.${key}`);
}

/** The `key: { ... }` line of a new type, aligned and padded like its flow-style siblings. */
function flowEntry(text: string, types: YAMLMap, t: NewServiceType, indent: number): string {
  const pad = seqPadding(text, types);
  const fields: string[] = [];
  if (t.accepts.length > 0) fields.push(`accepts: ${flowSeq(t.accepts, pad)}`);
  if (t.dials.length > 0) fields.push(`dials: ${flowSeq(t.dials, pad)}`);
  if (t.leafTtl !== undefined) fields.push(`leafTtl: ${t.leafTtl}`);
  const sibling = types.items.find((p) => isMap(p.value) && isFlow(p.value))?.value as YAMLMap | undefined;
  const mapPad = sibling && sibling.items.length > 0 ? flowPadding(text, sibling) : ' ';
  const body = fields.length === 0 ? '{}' : `{${mapPad}${fields.join(', ')}${mapPad}}`;
  // Siblings aligned on one value column (`db:  {`) keep that column when the name fits.
  const columns = new Set(types.items.filter((p) => p.value).map((p) => columnOf(text, rangeOf(p.value, FILE)[0])));
  const aligned = columns.size === 1 ? [...columns][0] : 0;
  const gap = Math.max(1, aligned - indent - t.name.length - 1);
  return `${' '.repeat(indent)}${t.name}:${' '.repeat(gap)}${body}\n`;
}

/** The lines of a new type in block style, indented like its block-style siblings. */
function blockEntry(text: string, sibling: YAMLMap, t: NewServiceType, indent: number): string {
  const inner = ' '.repeat(columnOf(text, rangeOf(sibling.items[0].key, FILE)[0]));
  const lines = [`${' '.repeat(indent)}${t.name}:`];
  const blockSeq = (items: readonly string[]) => items.map((i) => `${inner}  - ${i}`).join('\n');
  if (t.accepts.length > 0) lines.push(`${inner}accepts:`, blockSeq(t.accepts));
  if (t.dials.length > 0) lines.push(`${inner}dials:`, blockSeq(t.dials));
  if (t.leafTtl !== undefined) lines.push(`${inner}leafTtl: ${t.leafTtl}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Appends the entry of `t` after the last type, in the style of the existing entries (flow
 * `name: { ... }` unless they use block bodies), then adds the symmetric edges to its peers.
 *
 * @throws GeneratorError TYPE_EXISTS, TYPE_UNKNOWN (a peer), CONFIG_INVALID, CONFIG_UNSUPPORTED
 */
export function addServiceType(text: string, t: NewServiceType): string {
  const types = typesMap(text);
  if (findPair(types, t.name)) throw new GeneratorError('TYPE_EXISTS', t.name);
  const indent = columnOf(text, rangeOf(types.items[0].key, FILE)[0]);
  const blockSibling = types.items.find((p) => isMap(p.value) && !isFlow(p.value) && p.value.items.length > 0);
  const entry = blockSibling
    ? blockEntry(text, blockSibling.value as YAMLMap, t, indent)
    : flowEntry(text, types, t, indent);
  const at = afterLine(text, pairEnd(types.items[types.items.length - 1], FILE));
  let out = splice(text, at, at, `${at === text.length && !text.endsWith('\n') ? '\n' : ''}${entry}`);
  for (const peer of t.dials) if (peer !== t.name) out = addEdge(out, peer, 'accepts', t.name);
  for (const peer of t.accepts) if (peer !== t.name) out = addEdge(out, peer, 'dials', t.name);
  return out;
}

/**
 * Removes type `name` and every edge other types have to it. Whatever the add inserted is
 * deleted exactly, so add followed by remove gives back the original text byte for byte.
 */
export function removeServiceType(text: string, name: string): string {
  let out = text;
  for (const pair of typesMap(text).items) {
    const owner = isScalar(pair.key) ? String(pair.key.value) : '';
    if (owner === name) continue;
    out = removeEdge(out, owner, 'accepts', name);
    out = removeEdge(out, owner, 'dials', name);
  }
  return removePair(out, typesMap(out), name, `${FILE}: types.${name}`);
}
