/**
 * Reading and validating trustmesh.yaml inside an Nx Tree with @trustmesh/policy, so the
 * generators accept exactly what the signer and the CLI accept.
 */
import type { Tree } from '@nx/devkit';
import { isPolicyError, parseMeshConfig, validateServiceTypeName, type MeshConfig } from '@trustmesh/policy';
import { GeneratorError } from './errors';

/** The mesh config's path, relative to the workspace root. */
export const MESH_FILE = 'trustmesh.yaml';

/** The file's text and its parsed, validated config. */
export interface MeshFile {
  text: string;
  config: MeshConfig;
}

/**
 * Parses mesh text with parseMeshConfig.
 * @throws GeneratorError CONFIG_INVALID whose detail lists every issue (path and line)
 */
export function parseMesh(text: string): MeshConfig {
  try {
    return parseMeshConfig(text);
  } catch (err) {
    if (isPolicyError(err)) throw new GeneratorError('CONFIG_INVALID', err.detail, { cause: err });
    throw err;
  }
}

/**
 * Reads and validates trustmesh.yaml from the tree.
 * @throws GeneratorError CONFIG_MISSING, CONFIG_INVALID
 */
export function readMesh(tree: Tree): MeshFile {
  const text = tree.read(MESH_FILE, 'utf-8');
  if (text === null) throw new GeneratorError('CONFIG_MISSING');
  return { text, config: parseMesh(text) };
}

/**
 * Checks a type name with @trustmesh/policy's rule.
 * @throws GeneratorError TYPE_NAME_INVALID with the name and the rule it breaks
 */
export function checkTypeName(name: unknown): string {
  try {
    validateServiceTypeName(name as string);
    return name as string;
  } catch (err) {
    if (isPolicyError(err)) throw new GeneratorError('TYPE_NAME_INVALID', `${JSON.stringify(name)}: ${err.detail}`);
    throw err;
  }
}

/** Splits `a,b` / `['a', 'b,c']` into trimmed names, dropping empties and repeats. */
export function splitList(value: string | readonly string[] | undefined): string[] {
  const parts = (Array.isArray(value) ? value : [value ?? '']).flatMap((v) => String(v).split(','));
  return [...new Set(parts.map((p) => p.trim()).filter((p) => p.length > 0))];
}
