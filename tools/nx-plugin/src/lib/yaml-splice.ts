/**
 * Minimal in-place edits of a YAML text, located through its parsed Document.
 *
 * Why splices and not `doc.toString()`: re-serialising a Document re-pads flow collections
 * (`[api]` becomes `[ api ]`), drops column alignment (`db:  {`) and moves comments, so a
 * review diff would show lines nobody changed and add+remove would not restore the original
 * bytes. Here `yaml.parseDocument` finds the node and its source range, and each edit inserts
 * or deletes only the characters of that one item, in the style of its siblings.
 *
 * Every function is pure (text in, text out) and throws GeneratorError CONFIG_UNSUPPORTED when
 * the layout is one it cannot edit safely (e.g. a flow-style `types` map, an alias).
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { GeneratorError } from './errors';

type Range = [number, number, number];

/** Parses `text` keeping source ranges; throws CONFIG_INVALID on a YAML syntax error. */
export function parseForEdit(text: string, file: string): Document.Parsed {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new GeneratorError('CONFIG_INVALID', `${file}: ${doc.errors[0].message.split('\n')[0]}`);
  return doc;
}

/** Replaces `[start, end)` of `text` with `insert`. */
export function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** Offset of the first character of the line holding `pos`. */
export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Offset just past the line holding `pos` (past its `\n`; `text.length` on the last line). */
export function afterLine(text: string, pos: number): number {
  if (pos > 0 && text[pos - 1] === '\n') return pos;
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/** The source range of a node, or CONFIG_UNSUPPORTED when it has none (a node built in code). */
export function rangeOf(node: unknown, what: string): Range {
  const range = (node as { range?: Range | null } | null)?.range;
  if (!range) throw new GeneratorError('CONFIG_UNSUPPORTED', `${what} has no source position`);
  return range;
}

/** The pair of `map` whose key is the plain scalar `key`, or undefined. */
export function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key);
}

/** End of a pair's value in the source (the key's end for `key:` with no value). */
export function pairEnd(pair: Pair, what: string): number {
  return pair.value ? rangeOf(pair.value, what)[1] : rangeOf(pair.key, what)[1];
}

/** Whether a collection was written in flow style (`{ a: 1 }`, `[a]`). */
export function isFlow(node: YAMLMap | YAMLSeq): boolean {
  return node.flow === true;
}

/** Inner padding used by flow collections in this text: `{ a }` → ' ', `{a}` → ''. */
export function flowPadding(text: string, node: YAMLMap | YAMLSeq): string {
  return text[rangeOf(node, 'flow collection')[0] + 1] === ' ' ? ' ' : '';
}

/** Column of `pos` (characters since its line start). */
export function columnOf(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

/**
 * Appends the plain scalar `item` to the sequence `seq` in its own style: `, item` before the
 * `]` of a flow sequence, a new `- item` line under the last item of a block sequence.
 */
export function appendToSeq(text: string, seq: YAMLSeq, item: string, what: string): string {
  const items = seq.items;
  if (isFlow(seq)) {
    if (items.length === 0) return splice(text, rangeOf(seq, what)[0] + 1, rangeOf(seq, what)[1] - 1, item);
    const end = rangeOf(items[items.length - 1], what)[1];
    return splice(text, end, end, `, ${item}`);
  }
  const last = rangeOf(items[items.length - 1], what);
  const dash = text.lastIndexOf('-', last[0]);
  const indent = text.slice(lineStart(text, dash), dash);
  const at = afterLine(text, last[1]);
  const nl = at === text.length && !text.endsWith('\n') ? '\n' : '';
  return splice(text, at, at, `${nl}${indent}- ${item}\n`);
}

/**
 * Removes the item at `index` of `seq`, with its separator (flow) or its whole line (block).
 * The caller removes the owning pair instead when this is the only item.
 */
export function removeFromSeq(text: string, seq: YAMLSeq, index: number, what: string): string {
  const items = seq.items;
  const r = rangeOf(items[index], what);
  if (isFlow(seq)) {
    if (index === items.length - 1) return splice(text, rangeOf(items[index - 1], what)[1], r[1], '');
    return splice(text, r[0], rangeOf(items[index + 1], what)[0], '');
  }
  const dash = text.lastIndexOf('-', r[0]);
  return splice(text, lineStart(text, dash), afterLine(text, r[1]), '');
}

/**
 * Adds `key: value` (value already rendered) as the last pair of `map`: `, key: value` inside a
 * flow map (`{ key: value }` when it was empty), a new line at the indentation of the other keys
 * in a block map.
 */
export function appendPair(text: string, map: YAMLMap, key: string, value: string, what: string): string {
  if (isFlow(map)) {
    const [start, end] = rangeOf(map, what);
    if (map.items.length === 0) return splice(text, start, end, `{ ${key}: ${value} }`);
    const at = pairEnd(map.items[map.items.length - 1], what);
    return splice(text, at, at, `, ${key}: ${value}`);
  }
  if (map.items.length === 0) throw new GeneratorError('CONFIG_UNSUPPORTED', `${what} is an empty block mapping`);
  const indent = ' '.repeat(columnOf(text, rangeOf(map.items[0].key, what)[0]));
  const at = afterLine(text, pairEnd(map.items[map.items.length - 1], what));
  const nl = at === text.length && !text.endsWith('\n') ? '\n' : '';
  return splice(text, at, at, `${nl}${indent}${key}: ${value}\n`);
}

/**
 * Removes the pair `key` from `map`: its text and separator in a flow map (`{}` when it was the
 * only pair), its lines (key line through the value's last line) in a block map. Comment lines
 * above the key stay: they may describe more than this one entry.
 */
export function removePair(text: string, map: YAMLMap, key: string, what: string): string {
  const index = map.items.findIndex((p) => isScalar(p.key) && p.key.value === key);
  if (index < 0) return text;
  const pair = map.items[index];
  const keyStart = rangeOf(pair.key, what)[0];
  if (isFlow(map)) {
    const [start, end] = rangeOf(map, what);
    if (map.items.length === 1) return splice(text, start, end, '{}');
    if (index === map.items.length - 1)
      return splice(text, pairEnd(map.items[index - 1], what), pairEnd(pair, what), '');
    return splice(text, keyStart, rangeOf(map.items[index + 1].key, what)[0], '');
  }
  return splice(text, lineStart(text, keyStart), afterLine(text, pairEnd(pair, what)), '');
}

/** Narrows a node to a mapping or throws CONFIG_UNSUPPORTED naming `what`. */
export function asMap(node: unknown, what: string): YAMLMap {
  if (!isMap(node)) throw new GeneratorError('CONFIG_UNSUPPORTED', `${what} is not a mapping`);
  return node;
}

/** Narrows a node to a sequence or throws CONFIG_UNSUPPORTED naming `what`. */
export function asSeq(node: unknown, what: string): YAMLSeq {
  if (!isSeq(node)) throw new GeneratorError('CONFIG_UNSUPPORTED', `${what} is not a sequence`);
  return node;
}
