/**
 * @trustmesh/sidecar — the mTLS L4 sidecar's data plane: config, identity and trust sources,
 * TLS material with atomic swaps, inbound/outbound proxy with SPIFFE type checks and fallback,
 * admin HTTP, graceful shutdown.
 */
export { ConfigError, SidecarError, type ConfigIssue, type ConfigIssueCode, type SidecarErrorCode } from './errors';
export {
  parseConfig,
  inspectConfig,
  type ParseConfigOptions,
  type ConfigInspection,
  type ConfigFiles,
} from './config/parse-config';
export { readConfigText, checkKeyFileMode } from './config/load-config';
export { preflight, type Preflight, type PreflightOptions, type PreflightProblem } from './control/preflight';
export {
  DEFAULT_LIMITS,
  formatHostPort,
  type HostPort,
  type InboundRoute,
  type Limits,
  type OutboundRoute,
  type SidecarConfig,
} from './config/types';
export { createIdentity, type Identity } from './identity/identity';
export { IdentityStore, type IdentitySource, type IdentityStoreOptions } from './identity/identity-source';
export {
  createTrustBundle,
  TrustStore,
  type TrustBundle,
  type TrustSource,
  type TrustStoreOptions,
} from './trust/trust-source';
export {
  authorizePeer,
  parseSpiffeUri,
  uriSans,
  type PeerDecision,
  type PeerRefusal,
  type SpiffeParts,
} from './tls/spiffe';
export {
  acceptKey,
  TlsMaterial,
  type OutboundContext,
  type TlsMaterialOptions,
  type TlsSnapshot,
} from './tls/tls-material';
export { JsonLogger, MemoryLogger, type LogFields, type Logger, type LogLevel } from './observe/logger';
export {
  METRICS,
  MetricsRegistry,
  Series,
  type Labels,
  type MetricName,
  type MetricPoint,
  type Metrics,
} from './observe/metrics';
export { bindRouteMetrics, type RouteMetrics } from './observe/route-metrics';
export { exportMetrics, SIDECAR_SERVICE_NAME } from './observe/otel-export';
export { isReady, startAdmin, type AdminDeps, type RunningAdmin } from './admin/admin-server';
export { ConnectionTracker } from './proxy/connection-tracker';
export { startInbound, type ListenerDeps, type RunningListener } from './proxy/inbound-listener';
export { startOutbound, type OutboundDeps } from './proxy/outbound-listener';
export {
  dialWithFallback,
  PROBATION_MS,
  REPLAY_LIMIT,
  type DialFailure,
  type DialOutcome,
} from './proxy/outbound-dialer';
export { splice, type SpliceResult } from './proxy/splice';
export { startSidecar, type RunningSidecar, type SidecarOptions } from './sidecar';
export { exitOnSignals, type SignalOptions } from './signals';
export { runSidecarCommand, SIDECAR_USAGE, type RunSidecarOptions } from './control';
