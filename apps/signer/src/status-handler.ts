import type { MeshConfig } from '@trustmesh/policy';
import type { StatusReport, StatusReportAck } from '@trustmesh/proto';
import type { WriteBatcher } from './write-batcher';
import { withSpan, type Tracer } from '@trustmesh/telemetry';
import type { CaSnapshot, X509Cache } from './ca-snapshot';
import { SignerError } from './errors';
import type { SignerMetrics } from './metrics';
import { verifyPeer } from './peer-auth';
import { callerKey, type RateLimiter } from './rate-limit';
import { mapError } from './status-map';
import type { CallerInfo } from './sign-handler';

/** What ReportStatus needs. */
export interface StatusDeps {
  /** Group commit shared with Sign. */
  writes: WriteBatcher;
  mesh: MeshConfig;
  now: () => Date;
  snapshot: () => CaSnapshot;
  limiter: RateLimiter;
  metrics: SignerMetrics;
  tracer: Tracer;
  x509: X509Cache;
}

/** Bound on fallbacks / previous identities kept per report (a report is a summary, not a log). */
const MAX_LIST = 64;

/**
 * Stores the latest report of an instance. Only the instance itself may report: the call must
 * come over mTLS with a valid certificate of the same type and instance as the report.
 * Rejects with a MappedError (UNAUTHENTICATED AUTH_REQUIRED/chain errors, PERMISSION_DENIED
 * PEER_IDENTITY_MISMATCH, RESOURCE_EXHAUSTED RATE_LIMITED, INVALID_ARGUMENT FIELD_MISSING).
 */
export async function handleReportStatus(
  d: StatusDeps,
  report: StatusReport,
  caller: CallerInfo,
): Promise<StatusReportAck> {
  const now = d.now();
  return withSpan(d.tracer, 'trustmesh.v1.CertificateAuthority/ReportStatus', {}, async (_span, ctx) => {
    try {
      d.limiter.take(callerKey('status', report.serviceType, report.instanceId, caller.peerAddress), now.getTime());
      if (!report.serviceType) throw new SignerError('FIELD_MISSING', 'service_type');
      if (!report.instanceId) throw new SignerError('FIELD_MISSING', 'instance_id');
      if (!caller.peerLeaf) throw new SignerError('AUTH_REQUIRED');
      const peer = verifyPeer(caller.peerLeaf, d.snapshot(), d.mesh, now, d.x509);
      if (peer.serviceType !== report.serviceType || peer.instanceId !== report.instanceId) {
        throw new SignerError(
          'PEER_IDENTITY_MISMATCH',
          `${peer.spiffeId} reported for ${report.serviceType}/${report.instanceId}`,
        );
      }
      await withSpan(d.tracer, 'store', { parent: ctx }, () =>
        d.writes.run((s) =>
          s.putStatusReport({
            instanceId: report.instanceId,
            serviceType: report.serviceType,
            receivedAt: now,
            report: {
              serialHex: report.serialHex,
              caId: report.caId,
              notAfterUnix: report.notAfterUnix,
              bundleVersion: report.bundleVersion,
              fallbacks: report.fallbacks.slice(0, MAX_LIST).map((f) => ({ ...f })),
              previousIdentities: report.previousIdentities.slice(0, MAX_LIST).map((p) => ({ ...p })),
            },
          }),
        ),
      );
      d.metrics.statusReports.add(1, { type: report.serviceType, outcome: 'ok' });
      return { bundleVersion: d.snapshot().version, receivedAtUnix: Math.floor(now.getTime() / 1000) };
    } catch (err) {
      const mapped = mapError(err);
      d.metrics.statusReports.add(1, {
        type: d.mesh.types[report.serviceType] ? report.serviceType : 'unknown',
        outcome: mapped.outcome,
      });
      throw mapped;
    }
  });
}
