/**
 * Replacing the mesh config in force (`ca create --config`): validated against the store,
 * written atomically, and undoable when the command fails later.
 */
import { writeFileAtomic } from '@trustmesh/keystore';
import type { MeshConfig } from '@trustmesh/policy';
import type { Store } from '@trustmesh/store';
import { CaError } from './errors';
import { LAYOUT, PLATFORM_TYPE, statePath } from './layout';
import { readTextFile, type MeshSource } from './mesh-file';

/**
 * A replacement mesh config must keep the trust domain and every type that already has a CA
 * set (else the signer would serve CAs its config no longer knows).
 */
export async function checkNewMesh(store: Store, current: MeshConfig, next: MeshConfig): Promise<MeshConfig> {
  if (next.trustDomain !== current.trustDomain) {
    throw new CaError('TRUST_DOMAIN_MISMATCH', `in force '${current.trustDomain}', new config '${next.trustDomain}'`);
  }
  const withCas = new Set((await store.listCas()).map((c) => c.serviceType).filter((t) => t !== PLATFORM_TYPE));
  const dropped = [...withCas].filter((t) => !Object.prototype.hasOwnProperty.call(next.types, t));
  if (dropped.length > 0)
    throw new CaError('CONFIG_INVALID', `the new config drops types that have CA sets: ${dropped.join(', ')}`);
  return next;
}

/** Atomically replaces D/mesh.yaml; returns a function that puts the old text back. */
export function replaceMesh(dir: string, next: MeshSource): () => void {
  const path = statePath(dir, LAYOUT.mesh);
  const old = readTextFile(path, 1024 * 1024);
  writeFileAtomic(path, next.text, { overwrite: true, mode: 0o644 });
  return () => writeFileAtomic(path, old, { overwrite: true, mode: 0o644 });
}
