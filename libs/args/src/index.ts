/**
 * @trustmesh/args — the one argv parser of TrustMesh (node:util parseArgs, strict), used by the
 * `trustmesh` CLI, the signer, the sidecar and the demo. Pure: it parses the array it is given
 * and never reads `process`. Every failure is an {@link ArgsError} with code `USAGE`.
 */
export { ArgsError, isArgsError, type ArgsErrorCode } from './errors';
export {
  parseArgv,
  type ArgsSpec,
  type ArgValue,
  type OptionSpec,
  type ParsedArgs,
  type PositionalSpec,
} from './parse-argv';
