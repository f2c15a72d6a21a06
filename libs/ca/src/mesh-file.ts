/**
 * Loading the mesh config at the rim: read the YAML file, hand the text to libs/policy.
 */
import { readFileSync } from 'node:fs';
import { parseMeshConfig, type MeshConfig } from '@trustmesh/policy';
import { CaError } from './errors';
import { LAYOUT, PLATFORM_TYPE, statePath } from './layout';

/** A mesh config plus the exact text it came from (copied verbatim into D/mesh.yaml). */
export interface MeshSource {
  mesh: MeshConfig;
  text: string;
}

const MAX_CONFIG_BYTES = 1024 * 1024;

/** Reads and validates a mesh config file. Throws FILE_NOT_FOUND, FILE_TOO_LARGE or PolicyError CONFIG_INVALID. */
export function loadMeshFile(file: string): MeshSource {
  const text = readTextFile(file, MAX_CONFIG_BYTES);
  return { mesh: parseMeshConfig(text), text };
}

/** The mesh config in force in an initialized state directory. */
export function loadStateMesh(dir: string): MeshConfig {
  return loadMeshFile(statePath(dir, LAYOUT.mesh)).mesh;
}

/**
 * Renders a minimal mesh config for `init --trust-domain TD --types a,b` (no edges). Names were
 * validated by libs/policy before this runs, so they need no YAML quoting.
 */
export function renderMeshYaml(mesh: MeshConfig): string {
  const lines = [`trustDomain: ${mesh.trustDomain}`, 'types:'];
  for (const name of Object.keys(mesh.types)) lines.push(`  ${name}: {}`);
  return lines.join('\n') + '\n';
}

/**
 * Checks `type` names a CA-holding type of this mesh: one of its service types, or `platform`
 * when `allowPlatform`. Throws CaError TYPE_UNKNOWN otherwise.
 */
export function requireType(mesh: MeshConfig, type: string, allowPlatform: boolean): void {
  if (Object.prototype.hasOwnProperty.call(mesh.types, type)) return;
  if (allowPlatform && type === PLATFORM_TYPE) return;
  throw new CaError(
    'TYPE_UNKNOWN',
    `'${type}' is not in the mesh config (known: ${Object.keys(mesh.types).join(', ') || 'none'})`,
  );
}

/** Reads a whole file with a size cap. Throws CaError FILE_NOT_FOUND / FILE_TOO_LARGE. */
export function readTextFile(file: string, maxBytes: number): string {
  return readBytesFile(file, maxBytes).toString('utf8');
}

/** Reads a whole file as bytes with a size cap. Throws CaError FILE_NOT_FOUND / FILE_TOO_LARGE. */
export function readBytesFile(file: string, maxBytes: number): Buffer {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new CaError('FILE_NOT_FOUND', `${file} (${(err as NodeJS.ErrnoException).code ?? 'read error'})`, {
      cause: err,
    });
  }
  if (buf.length > maxBytes) throw new CaError('FILE_TOO_LARGE', `${file} is over ${maxBytes} bytes`);
  return buf;
}
