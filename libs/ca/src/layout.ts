/**
 * The state directory contract: every file name, reserved identity and store meta key, defined
 * here and only here (libs/ca/src/layout-literals.spec.ts fails when another source file spells
 * one of them). Shared by the CLI, the signer, tests and benchmarks:
 *
 *   D/trustmesh.db        SQLite store          D/mesh.yaml          mesh config in force
 *   D/keys/<caId>.key     online CA keys        D/offline/<caId>.key root keys (ca commands only)
 *   D/platform-root.pem   platform root         D/admin/admin.{crt,key} admin identity
 *   D/offline/archive/    keys of retired CAs   D/.lock              held by init / ca commands
 *   D/.init-staging-*     a crashed init's leftovers (removed by the next init)
 */
import { join } from 'node:path';

/** File and directory names inside the state directory (relative to D). */
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

/** The reserved type that holds the signer's own CA set (its serving certificate, the admin identity). */
export const PLATFORM_TYPE = 'platform';

/** The admin identity `spiffe://<td>/admin/cli`: reserved service type and instance. */
export const ADMIN_TYPE = 'admin';
export const ADMIN_INSTANCE = 'cli';

/** Store meta keys: written by init and the rotation steps, read by the signer. */
export const META = Object.freeze({
  /** The trust domain D was initialized with; must match D/mesh.yaml. */
  trustDomain: 'trust_domain',
  /** `encrypted` or `plaintext`: how D's key files are protected. */
  keyProtection: 'key_protection',
  /** Trust bundle version in force (decimal; 1 after init, +1 per bundle change). */
  bundleVersion: 'bundle_version',
});

/** Store meta key of a type's root rotation record (JSON, see rotation-state.ts). */
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

/** True for the store file and its SQLite side files (`trustmesh.db-wal`, `-shm`, `-journal`). */
export function isStoreFile(name: string): boolean {
  return name === LAYOUT.db || name.startsWith(`${LAYOUT.db}-`);
}
