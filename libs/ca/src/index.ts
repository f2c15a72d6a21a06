/**
 * @trustmesh/ca — the CA lifecycle over a state directory and the directory's contract: init,
 * CA sets, root and intermediate rotation (phases, safety gates, crash recovery), same-key root
 * renewal, fleet status, bootstrap tokens, and every file name and store meta key (layout.ts).
 * The `trustmesh` CLI drives it; the signer reads a state directory through it. See README.md.
 */
export { CaError, type CaErrorCode } from './errors';
export type { Warn } from './warnings';
export {
  LAYOUT,
  STAGING_PREFIX,
  PLATFORM_TYPE,
  ADMIN_TYPE,
  ADMIN_INSTANCE,
  META,
  rotationMetaKey,
  renewBeforeMetaKey,
  statePath,
  keyRefFor,
  isStoreFile,
} from './layout';
export { openStateReader, inspectStateReader, type StateReader, type StateReaderOptions } from './state-reader';
export { withState, auditCli, type StateSession } from './session';
export {
  loadMeshFile,
  loadStateMesh,
  renderMeshYaml,
  requireType,
  readTextFile,
  readBytesFile,
  type MeshSource,
} from './mesh-file';
export { checkNewMesh, replaceMesh } from './mesh-update';
export {
  createCaSet,
  createIntermediate,
  writeKey,
  removeFiles,
  ROOT_TTL_S,
  INTERMEDIATE_TTL_S,
  type Protection,
  type NewCaSet,
} from './ca-factory';
export { activeCaSet } from './ca-query';
export { readKeyFileForCa } from './unlock';
export { provenProtection } from './protection';
export { createAdminIdentity, ADMIN_TTL_S } from './admin-identity';
export { initState, type InitResult } from './init-state';
export { archiveKey, archiveOrphanKeys } from './key-archive';
export {
  typeCas,
  rootFamily,
  intermediatesOf,
  rootsIn,
  activeRoot,
  readRotation,
  writeRotation,
  bundleVersion,
  bumpBundleVersion,
  caById,
  type RotationPhase,
  type RotationRecord,
  type TypeCas,
} from './rotation-state';
export {
  sidecarViews,
  affectedTypes,
  adoption,
  recentFallbacks,
  retireBlockers,
  retireIsSafe,
  describeRetireBlockers,
  names,
  type SidecarView,
  type FallbackEvent,
  type Adoption,
  type RetireBlockers,
} from './rotation-safety';
export { noteForced, type StepContext, type StepHooks, type StepResult } from './rotation-step';
export { runRotationStep, type StepRun } from './run-step';
export { rotateIntermediate, renewRootKeepKey } from './rotate-ca';
export { preparePhase, activatePhase, retirePhase } from './rotate-root';
export { fleetStatus, type FleetStatus, type TypeStatus } from './fleet-status';
export { hashToken, newToken, type NewToken } from './tokens';
