/**
 * `nx g @trustmesh/nx-plugin:remove-service-type <name> [--force]`: undoes `service-type`.
 * Removes the type's entry and every other type's edge to it from trustmesh.yaml, the routes and
 * `--peer` arguments naming it from the other scaffolds (exactly the characters the add inserted,
 * so add + remove restores every file byte for byte) and deletes apps/services/<name> and
 * deploy/<name>. Refuses while other types still dial or accept the
 * type, unless --force.
 */
import { formatFiles, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { GeneratorError } from '../../lib/errors';
import { removeServiceType } from '../../lib/mesh-edit';
import { MESH_FILE, checkTypeName, parseMesh, readMesh } from '../../lib/mesh-file';
import { peerChangesForRemove } from '../../lib/peer-routes';
import type { RemoveServiceTypeSchema } from './schema';

/** Types other than `name` whose accepts or dials name it, sorted. */
export function typesUsing(config: ReturnType<typeof parseMesh>, name: string): string[] {
  return Object.values(config.types)
    .filter((t) => t.name !== name && (t.accepts.includes(name) || t.dials.includes(name)))
    .map((t) => t.name)
    .sort();
}

/**
 * The generator. Validates first (name, file, existence, use by others), then edits.
 *
 * @throws GeneratorError TYPE_NAME_INVALID, CONFIG_MISSING, CONFIG_INVALID, TYPE_UNKNOWN,
 *   TYPE_IN_USE (without --force), CONFIG_UNSUPPORTED — before any write
 */
export async function removeServiceTypeGenerator(
  tree: Tree,
  options: RemoveServiceTypeSchema,
): Promise<GeneratorCallback> {
  const name = checkTypeName(options.name);
  const { text, config } = readMesh(tree);
  if (!config.types[name]) throw new GeneratorError('TYPE_UNKNOWN', name);
  const users = typesUsing(config, name);
  if (users.length > 0 && options.force !== true)
    throw new GeneratorError('TYPE_IN_USE', `${name} is used by ${users.join(', ')}`);
  const out = removeServiceType(text, name);
  const after = parseMesh(out);
  if (after.types[name] || typesUsing(after, name).length > 0) {
    throw new GeneratorError('CONFIG_UNSUPPORTED', `${name} is still referenced after the edit`);
  }
  const peers = peerChangesForRemove(tree, name);
  tree.write(MESH_FILE, out);
  for (const path of [`apps/services/${name}`, `deploy/${name}`]) if (tree.exists(path)) tree.delete(path);
  for (const [path, peerText] of peers.writes) tree.write(path, peerText);
  await formatFiles(tree);
  const manual = peers.manual.map((m) => `\n  ${m}`).join('');
  return () =>
    logger.info(`Service type ${name} removed. Its CA set stays in ./state (CAs are never deleted).${manual}`);
}

export default removeServiceTypeGenerator;
