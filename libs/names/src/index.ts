/**
 * @trustmesh/names — the one grammar for the names TrustMesh reads: service type names, instance
 * ids, trust domains, DNS names, SPIFFE IDs, durations, host:port and IP address text. Pure: no
 * I/O, no clock, no environment; depends on nothing of ours. Each `…Problem(text)` returns a
 * {@link NameProblem} or null; each `require…` / `parse…` throws a {@link NameError} with the same
 * code. The grammars are stated in the doc comment of each file.
 */
export { NameError, isNameError, type NameProblem, type NameProblemCode } from './errors';
export {
  MAX_DNS_LABEL_LENGTH,
  MAX_DNS_NAME_LENGTH,
  dnsLabelProblem,
  dnsNameProblem,
  hostnameProblem,
  isDnsName,
  requireDnsName,
  requireTrustDomain,
  trustDomainProblem,
} from './dns';
export {
  MAX_INSTANCE_ID_LENGTH,
  MAX_TYPE_NAME_LENGTH,
  instanceIdProblem,
  requireInstanceId,
  requireTypeName,
  typeNameProblem,
} from './identity';
export {
  MAX_SPIFFE_ID_LENGTH,
  formatSpiffeId,
  parseSpiffeId,
  spiffeIdProblem,
  tryParseSpiffeId,
  type SpiffeId,
} from './spiffe';
export { durationProblem, parseDurationMs, parseDurationSeconds } from './duration';
export { formatHostPort, hostPortProblem, parseHostPort, type HostPort, type HostPortOptions } from './host-port';
export { ipAddressProblem, isIpAddress, parseIpAddress } from './ip';
