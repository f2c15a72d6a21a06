/**
 * Port bookkeeping for scaffolds: which 127.0.0.1 ports the workspace already uses (every
 * `host:port` in deploy/*\/sidecar.yaml, every `--port N` of a service's serve target) and the
 * next free ones in the scaffold range.
 */
import type { Tree } from '@nx/devkit';
import { parse } from 'yaml';
import { GeneratorError } from './errors';

/** First port handed out to scaffolds. */
export const SCAFFOLD_PORT_MIN = 7100;
/** Last port handed out to scaffolds. */
export const SCAFFOLD_PORT_MAX = 7999;

function collectPorts(value: unknown, into: Set<number>): void {
  if (typeof value === 'string') {
    const m = /:(\d{1,5})$/.exec(value);
    if (m) into.add(Number(m[1]));
  } else if (Array.isArray(value)) {
    for (const v of value) collectPorts(v, into);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) collectPorts(v, into);
  }
}

/**
 * Every port named in deploy/<type>/sidecar.yaml files and in apps/services/<type>/project.json
 * (`--port N`). A sidecar.yaml that does not parse contributes nothing (it is not ours to judge).
 */
export function usedPorts(tree: Tree): Set<number> {
  const used = new Set<number>();
  const dirs = (root: string) => (tree.exists(root) ? tree.children(root) : []);
  for (const dir of dirs('deploy')) {
    const text = tree.read(`deploy/${dir}/sidecar.yaml`, 'utf-8');
    if (text === null) continue;
    try {
      collectPorts(parse(text), used);
    } catch {
      // Unparseable files are reported by the sidecar itself; here they only cannot reserve ports.
    }
  }
  for (const dir of dirs('apps/services')) {
    const text = tree.read(`apps/services/${dir}/project.json`, 'utf-8') ?? '';
    for (const m of text.matchAll(/--port[= ](\d{1,5})/g)) used.add(Number(m[1]));
  }
  return used;
}

/**
 * Hands out the lowest free ports of the scaffold range, never one in `used` nor one it handed
 * out before.
 *
 * @throws GeneratorError PORTS_EXHAUSTED when the range is full
 */
export function portAllocator(used: ReadonlySet<number>): () => number {
  const taken = new Set(used);
  let next = SCAFFOLD_PORT_MIN;
  return () => {
    while (next <= SCAFFOLD_PORT_MAX && taken.has(next)) next++;
    if (next > SCAFFOLD_PORT_MAX)
      throw new GeneratorError('PORTS_EXHAUSTED', `${SCAFFOLD_PORT_MIN}-${SCAFFOLD_PORT_MAX}`);
    taken.add(next);
    return next;
  };
}
