import { PolicyError } from './errors';
import { MeshConfig, ServiceTypePolicy } from './mesh-config';

/**
 * The type's policy, or PolicyError TYPE_UNKNOWN. Reserved names (`platform`, `admin`) are never
 * in a MeshConfig, so they are unknown here too.
 */
export function requireType(mesh: MeshConfig, type: string): ServiceTypePolicy {
  const policy = Object.prototype.hasOwnProperty.call(mesh.types, type) ? mesh.types[type] : undefined;
  if (!policy) throw new PolicyError('TYPE_UNKNOWN', `'${String(type).slice(0, 64)}'`);
  return policy;
}

/**
 * Types whose instances may connect to `type` (inbound), sorted. A sidecar of `type` trusts
 * the roots of exactly these types on its inbound listeners. Empty means: accept nobody.
 *
 * @throws PolicyError TYPE_UNKNOWN
 */
export function acceptedPeers(mesh: MeshConfig, type: string): string[] {
  return [...requireType(mesh, type).accepts];
}

/**
 * Types `type` may connect to (outbound), sorted. Empty means: dial nobody.
 *
 * @throws PolicyError TYPE_UNKNOWN
 */
export function dialedPeers(mesh: MeshConfig, type: string): string[] {
  return [...requireType(mesh, type).dials];
}

/**
 * True when `from` may open a connection to `to`. Checks both ends (the config guarantees they
 * agree, but a hand-built MeshConfig might not; fail closed).
 *
 * @throws PolicyError TYPE_UNKNOWN for either type
 */
export function mayConnect(mesh: MeshConfig, from: string, to: string): boolean {
  const source = requireType(mesh, from);
  const target = requireType(mesh, to);
  return source.dials.includes(to) && target.accepts.includes(from);
}

/** Type names of the mesh, sorted. */
export function serviceTypeNames(mesh: MeshConfig): string[] {
  return Object.keys(mesh.types).sort();
}
