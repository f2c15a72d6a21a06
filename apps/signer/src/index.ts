/**
 * `@trustmesh/signer`: the gRPC signing service (trustmesh.v1.CertificateAuthority + grpc.health.v1).
 *
 * - {@link createSigner}: in-process composition over a Store, a MeshConfig and a key loader
 *   (tests, embedding).
 * - {@link runSignerCommand}: the `trustmesh signer` subcommand (argv + env parsed once here);
 *   with `--check`, {@link checkSigner}: the checks of a start that need no port, every problem listed.
 *
 * Administration has no RPC: the CLI works on the state directory's store directly; the signer
 * notices CA and bundle changes by polling the store.
 */
export { createSigner, type Signer, type SignerDeps } from './signer';
export { runSignerCommand, type RunSignerOptions, type SignerIo } from './command';
export {
  parseSignerArgs,
  inspectSignerArgs,
  argsError,
  parseHostPort,
  DEFAULT_SIGNER_OPTIONS,
  SIGNER_USAGE,
  type SignerOptions,
  type SignerCommandConfig,
  type SignerArgsInspection,
  type ArgsIssue,
  type HostPort,
} from './config';
export { checkSigner, type CheckProblem, type SignerCheck } from './check';
export { SignerError, type SignerErrorCode } from './errors';
export { REASON_KEY, RETRY_AFTER_KEY, mapError, type MappedError } from './status-map';
export { RateLimiter, callerKey, type RateLimitOptions, type BucketSpec } from './rate-limit';
export type { KeyLoader } from './issuer-pool';
