import { createPublicKey } from 'node:crypto';
import { hashToken } from '@trustmesh/ca';
import type { IssuedLeaf } from '@trustmesh/pki';
import type { MeshConfig } from '@trustmesh/policy';
import type { SignRequest, SignResponse } from '@trustmesh/proto';
import { startTimer, withSpan, type Tracer } from '@trustmesh/telemetry';
import type { CaSnapshot, X509Cache } from './ca-snapshot';
import type { CpuPool } from './cpu-pool';
import { SignerError } from './errors';
import type { IssuerPool } from './issuer-pool';
import type { SignerMetrics } from './metrics';
import { verifyPeer } from './peer-auth';
import { callerKey, type RateLimiter } from './rate-limit';
import { deserializeError } from './sign-prepare';
import { mapError, type MappedError } from './status-map';
import type { WriteBatcher } from './write-batcher';

/** What the Sign handler needs; all long-lived, shared by every call. */
export interface SignDeps {
  /** Group commit for every write of a Sign call (token redemption, record, audit). */
  writes: WriteBatcher;
  mesh: MeshConfig;
  now: () => Date;
  pool: IssuerPool;
  /** CSR parse + verify, policy and (on workers) the leaf signature. */
  cpu: CpuPool;
  snapshot: () => CaSnapshot;
  limiter: RateLimiter;
  metrics: SignerMetrics;
  tracer: Tracer;
  x509: X509Cache;
  log: (line: string) => void;
}

/** The caller as the transport saw it. */
export interface CallerInfo {
  /** DER of the client certificate presented over mTLS, if any. */
  peerLeaf?: Buffer;
  /** Remote address (rate-limit key of last resort). */
  peerAddress: string;
}

/** The issuing intermediate must outlive this margin, or the signer refuses to issue. */
const CA_MIN_REMAINING_MS = 60_000;

/**
 * Handles one Sign call: rate limit, required fields, CSR parse + signature, policy,
 * authentication (the mTLS client certificate: same type and instance; or a bootstrap token),
 * issuance from the type's active intermediate, then one savepoint of a group commit that
 * redeems the token atomically, records the certificate and appends the audit entry; the leaf
 * is returned only after that commit. Every denial is audited too. Resolves with the response
 * or rejects with a {@link MappedError}.
 */
export async function handleSign(d: SignDeps, req: SignRequest, caller: CallerInfo): Promise<SignResponse> {
  const elapsed = startTimer();
  const now = d.now();
  const audit: { actor: string; auth: string; details: Record<string, unknown> } = {
    actor: caller.peerLeaf ? 'mtls:unverified' : 'anonymous',
    auth: req.bootstrapToken ? 'token' : caller.peerLeaf ? 'mtls' : 'none',
    // Caller-chosen strings are cut short: a denied request must not write a 64 KiB audit row.
    details: { serviceType: clip(req.serviceType), instanceId: clip(req.instanceId) },
  };
  return withSpan(
    d.tracer,
    'trustmesh.v1.CertificateAuthority/Sign',
    { attributes: { 'trustmesh.service_type': req.serviceType } },
    async (span, ctx) => {
      try {
        d.limiter.take(callerKey('sign', req.serviceType, req.instanceId, caller.peerAddress), now.getTime());
        if (req.csr.length === 0) throw new SignerError('FIELD_MISSING', 'csr');
        if (!req.serviceType) throw new SignerError('FIELD_MISSING', 'service_type');
        if (!req.instanceId) throw new SignerError('FIELD_MISSING', 'instance_id');

        // On a worker this also signs the leaf ahead (one round trip); it is used only below.
        const prepared = await withSpan(d.tracer, 'policy', { parent: ctx }, () =>
          d.cpu.prepare({
            csr: req.csr,
            serviceType: req.serviceType,
            instanceId: req.instanceId,
            nowMs: now.getTime(),
            ...(d.cpu.size > 0 ? { speculativeCaId: d.pool.peek(req.serviceType)?.issuer.caId } : {}),
          }),
        );
        const decision = prepared.decision;

        // Token callers: the hash now, the redemption below in the same transaction as the record,
        // so a request costs one commit and a token is spent only together with its certificate.
        const tokenHash = await withSpan(d.tracer, 'authenticate', { parent: ctx }, () => {
          if (req.bootstrapToken) return hashToken(req.bootstrapToken);
          if (!caller.peerLeaf) throw new SignerError('AUTH_REQUIRED');
          const peer = verifyPeer(caller.peerLeaf, d.snapshot(), d.mesh, now, d.x509);
          audit.actor = peer.spiffeId;
          audit.details.previousSerial = peer.serialHex;
          if (peer.serviceType !== req.serviceType || peer.instanceId !== req.instanceId) {
            throw new SignerError(
              'PEER_IDENTITY_MISMATCH',
              `${peer.spiffeId} asked for ${req.serviceType}/${req.instanceId}`,
            );
          }
          return undefined;
        });

        const { issued, ca, serial } = await withSpan(d.tracer, 'sign', { parent: ctx }, () => {
          const active = d.pool.issuerFor(req.serviceType);
          if (active.record.notAfter.getTime() - now.getTime() < CA_MIN_REMAINING_MS)
            throw new SignerError('CA_EXPIRING', active.record.id);
          const leaf = issueLeaf(
            active.issuer.caId,
            () =>
              active.issuer.issue({
                publicKey:
                  prepared.publicKey ??
                  createPublicKey({ key: Buffer.from(prepared.spkiDer), format: 'der', type: 'spki' }),
                sans: decision.sans,
                now,
                ttlSeconds: decision.ttlSeconds,
              }),
            prepared.speculative,
          );
          // The store keys certificates by lower-case hex serial.
          return { issued: leaf, ca: active, serial: leaf.serialHex.toLowerCase() };
        });

        // One savepoint in a group commit: redeem the token (if any), record, audit. If the token is
        // refused, nothing of this request is written and the leaf is discarded unseen.
        await withSpan(d.tracer, 'store', { parent: ctx }, () =>
          d.writes.run(async (s) => {
            if (tokenHash !== undefined) {
              const token = await s.redeemToken(tokenHash, now, {
                serviceType: req.serviceType,
                instanceId: req.instanceId,
              });
              audit.actor = `token:${token.id}`;
              audit.details.tokenId = token.id;
            }
            await s.recordIssued({
              serialHex: serial,
              serviceType: req.serviceType,
              instanceId: req.instanceId,
              spiffeId: decision.spiffeId,
              sans: decision.sans,
              caId: ca.issuer.caId,
              notBefore: issued.notBefore,
              notAfter: issued.notAfter,
              spkiPin: prepared.spkiPin,
              issuedAt: now,
            });
            await s.appendAudit({
              at: now,
              actor: audit.actor,
              action: 'sign',
              outcome: 'allowed',
              details: {
                ...audit.details,
                auth: audit.auth,
                serial,
                caId: ca.issuer.caId,
                notAfter: issued.notAfter.toISOString(),
              },
            });
          }),
        );

        d.metrics.issued.add(1, { type: req.serviceType, outcome: 'issued', reason: 'OK' });
        d.metrics.signingSeconds.record(elapsed(), { outcome: 'issued' });
        span.setAttribute('trustmesh.serial', serial);
        return {
          chain: [issued.der, ca.record.certificateDer],
          caId: ca.issuer.caId,
          notAfterUnix: Math.floor(issued.notAfter.getTime() / 1000),
          bundleVersion: d.snapshot().version,
        };
      } catch (err) {
        const mapped = mapError(err);
        if (mapped.outcome === 'error') d.log(`sign: ${describe(err)}`);
        await auditDenial(d, now, audit, mapped);
        // Unknown types would make the label set unbounded: only configured types are labels.
        const type = d.mesh.types[req.serviceType] ? req.serviceType : 'unknown';
        d.metrics.issued.add(1, { type, outcome: mapped.outcome, reason: mapped.reason });
        d.metrics.signingSeconds.record(elapsed(), { outcome: mapped.outcome });
        throw mapped;
      }
    },
  );
}

/**
 * The leaf from the worker's speculative issuance when it came from the CA chosen now (its
 * failure is thrown here, in the same place an in-process issuance would throw); otherwise a
 * fresh in-process issuance (no worker, or the active CA changed in between).
 */
function issueLeaf(
  caId: string,
  issueHere: () => IssuedLeaf,
  speculative: { caId: string; leaf?: IssuedLeaf; error?: Parameters<typeof deserializeError>[0] } | undefined,
): IssuedLeaf {
  if (speculative?.caId !== caId) return issueHere();
  if (speculative.error) throw deserializeError(speculative.error);
  const leaf = speculative.leaf as IssuedLeaf;
  // Structured clone makes Buffers Uint8Arrays, and Dates of the main realm (not of a vm
  // context such as Jest's): rebuild both here.
  const der: Uint8Array = leaf.der;
  return {
    der: Buffer.isBuffer(der) ? der : Buffer.from(der.buffer, der.byteOffset, der.byteLength),
    serialHex: leaf.serialHex,
    notBefore: new Date(leaf.notBefore.getTime()),
    notAfter: new Date(leaf.notAfter.getTime()),
  };
}

async function auditDenial(
  d: SignDeps,
  now: Date,
  audit: { actor: string; auth: string; details: Record<string, unknown> },
  m: MappedError,
): Promise<void> {
  try {
    await d.writes.run((s) =>
      s.appendAudit({
        at: now,
        actor: audit.actor,
        action: 'sign',
        outcome: m.outcome,
        reason: m.reason,
        details: { ...audit.details, auth: audit.auth },
      }),
    );
  } catch (err) {
    // The caller is already being refused; a failed audit write must not turn that into success.
    d.log(`audit append failed: ${describe(err)}`);
  }
}

function clip(text: string): string {
  return text.length > 128 ? `${text.slice(0, 128)}…` : text;
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; detail?: string };
  return [e?.code, e?.message, e?.detail].filter(Boolean).join(': ') || String(err);
}
