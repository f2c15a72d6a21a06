/**
 * The state directory layout, shared with the signer:
 *
 *   D/trustmesh.db        SQLite store          D/mesh.yaml          mesh config in force
 *   D/keys/<caId>.key     online CA keys        D/offline/<caId>.key root keys (ca commands only)
 *   D/platform-root.pem   platform root         D/admin/admin.{crt,key} admin identity
 *   D/.lock               held by init / ca commands while they write
 */
import { join } from 'node:path';

/** File names inside the state directory. */
export const LAYOUT = Object.freeze({
  db: 'trustmesh.db',
  mesh: 'mesh.yaml',
  keys: 'keys',
  offline: 'offline',
  platformRoot: 'platform-root.pem',
  admin: 'admin',
  adminCert: 'admin/admin.crt',
  adminKey: 'admin/admin.key',
  lock: '.lock',
  /** Key files of retired CAs (and of interrupted runs) move here; keys are never deleted. */
  archive: 'offline/archive',
});

/** Prefix of init's staging directory inside D (a crashed init leaves only this behind). */
export const STAGING_PREFIX = '.init-staging-';

/** The reserved type that holds the signer's own CA set. */
export const PLATFORM_TYPE = 'platform';

/** Store meta keys written by init. */
export const META = Object.freeze({
  trustDomain: 'trust_domain',
  keyProtection: 'key_protection',
  bundleVersion: 'bundle_version',
});

/** Store meta key of a type's root rotation record (JSON, see state/rotation-state.ts). */
export function rotationMetaKey(type: string): string {
  return `rotation:${type}`;
}

/** Store meta key of a type's renew-before hint (unix seconds; '0' = none), read by the signer. */
export function renewBeforeMetaKey(type: string): string {
  return `renew_before_unix:${type}`;
}

/** Absolute path of a layout entry, or of a `keyRef` relative to D. */
export function statePath(dir: string, rel: string): string {
  return join(dir, rel);
}

/** keyRef (relative to D) of a CA key: roots live apart under offline/. */
export function keyRefFor(role: 'root' | 'intermediate', caId: string): string {
  return `${role === 'root' ? LAYOUT.offline : LAYOUT.keys}/${caId}.key`;
}
