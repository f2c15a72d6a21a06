/**
 * The sidecar's control plane: the signer client, identity issuance and renewal, the trust
 * bundle watch, status reports, and the `trustmesh sidecar` command that composes them with the
 * data plane.
 */
export { ControlError, describeError, type ControlErrorCode, type ControlErrorFacts } from './errors';
export { systemClock, type Clock, type TimerHandle, type UniformRandom } from './clock';
export {
  backoffDelayMs,
  renewalTime,
  DEFAULT_BACKOFF,
  RENEW_FRACTION,
  RENEW_JITTER,
  type BackoffPolicy,
} from '@trustmesh/policy';
export {
  SignerClient,
  toControlError,
  REASON_KEY,
  RETRY_AFTER_KEY,
  type SignCall,
  type SignerClientOptions,
  type WatchCallbacks,
  type WatchHandle,
} from './signer-client';
export { fileKeySource, memoryKeySource, readKeyPair, type KeyPair, type KeySource } from './key-source';
export { IdentityManager, type IdentityManagerOptions } from './identity-manager';
export { renewBeforeOf, toTrustBundle } from './bundle-convert';
export { TrustManager, type TrustManagerOptions } from './trust-manager';
export { StatusReporter, type StatusReporterOptions } from './status-reporter';
export { startControlledSidecar, trustTypesOf, type ControlledSidecar, type ControlOptions } from './start-control';
export { preflight, type Preflight, type PreflightOptions, type PreflightProblem } from './preflight';
export { checkSignerCaPem, readSignerCa } from './signer-ca';
export { readTokenFile } from './token-file';
export {
  parseSidecarArgs,
  runSidecarCommand,
  SIDECAR_USAGE,
  type RunSidecarOptions,
  type SidecarArgs,
} from './command';
