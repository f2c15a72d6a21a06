/**
 * Test helper: a real grpc-js client for the signer over TLS (optionally with a client
 * certificate), and promise wrappers that surface the status code and `trustmesh-reason`.
 */
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { KeyObject } from 'node:crypto';
import { buildCsr, exportPrivateKey, generateKeyPair, pemEncode, type KeyAlgorithm, type SanSet } from '@trustmesh/pki';
import {
  CertificateAuthorityClient,
  HealthClient,
  type SignRequest,
  type SignResponse,
  type StatusReport,
  type StatusReportAck,
  type TrustBundle,
  type TrustBundleRequest,
} from '@trustmesh/proto';

/** A client identity for mTLS: key + chain (leaf first). */
export interface ClientIdentity {
  key: KeyObject;
  chain: Buffer[];
}

/** What a failed call looked like to the client. */
export interface CallFailure {
  code: number;
  reason: string | undefined;
  retryAfterMs: string | undefined;
  details: string;
}

/** Connects to `127.0.0.1:port` trusting `rootPem`; presents `identity` when given. */
export function connect(
  port: number,
  rootPem: string,
  identity?: ClientIdentity,
): { ca: CertificateAuthorityClient; health: HealthClient; close(): void } {
  const creds = identity
    ? credentials.createSsl(
        Buffer.from(rootPem),
        Buffer.from(exportPrivateKey(identity.key, 'pem') as string),
        Buffer.from(identity.chain.map((d) => pemEncode('CERTIFICATE', d)).join('')),
      )
    : credentials.createSsl(Buffer.from(rootPem));
  const options = { 'grpc.max_send_message_length': 64 * 1024 * 1024 };
  const ca = new CertificateAuthorityClient(`127.0.0.1:${port}`, creds, options);
  const health = new HealthClient(`127.0.0.1:${port}`, creds);
  return {
    ca,
    health,
    close() {
      ca.close();
      health.close();
    },
  };
}

/** Calls Sign; resolves with the response or a {@link CallFailure}. */
export function sign(
  client: CertificateAuthorityClient,
  req: Partial<SignRequest>,
): Promise<SignResponse | CallFailure> {
  const full: SignRequest = { csr: Buffer.alloc(0), serviceType: '', instanceId: '', bootstrapToken: '', ...req };
  return new Promise((resolve) => {
    client.sign(full, new Metadata(), { deadline: Date.now() + 10_000 }, (err, res) =>
      resolve(err ? failure(err) : (res as SignResponse)),
    );
  });
}

/** Calls GetTrustBundle. */
export function getBundle(
  client: CertificateAuthorityClient,
  req: TrustBundleRequest,
): Promise<TrustBundle | CallFailure> {
  return new Promise((resolve) => {
    client.getTrustBundle(req, (err, res) => resolve(err ? failure(err) : (res as TrustBundle)));
  });
}

/** Calls ReportStatus. */
export function report(
  client: CertificateAuthorityClient,
  req: Partial<StatusReport>,
): Promise<StatusReportAck | CallFailure> {
  const full: StatusReport = {
    instanceId: '',
    serviceType: '',
    serialHex: '',
    caId: '',
    notAfterUnix: 0,
    bundleVersion: 0,
    fallbacks: [],
    previousIdentities: [],
    ...req,
  };
  return new Promise((resolve) => {
    client.reportStatus(full, (err, res) => resolve(err ? failure(err) : (res as StatusReportAck)));
  });
}

/** True when `r` is a failure. */
export function isFailure(r: unknown): r is CallFailure {
  return typeof (r as CallFailure)?.code === 'number' && 'details' in (r as object);
}

function failure(err: ServiceError): CallFailure {
  const reason = err.metadata?.get('trustmesh-reason')[0];
  const retry = err.metadata?.get('retry-after-ms')[0];
  return {
    code: err.code,
    reason: reason === undefined ? undefined : String(reason),
    retryAfterMs: retry === undefined ? undefined : String(retry),
    details: err.details,
  };
}

/** A fresh key and a DER CSR for it. */
export function makeCsr(o: { sans?: Partial<SanSet>; alg?: KeyAlgorithm; commonName?: string } = {}): {
  key: KeyObject;
  csr: Buffer;
} {
  const keys = generateKeyPair(o.alg ?? 'ec-p256');
  const csr = buildCsr({
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    subject: o.commonName ? { commonName: o.commonName } : {},
    sans: o.sans ?? {},
  });
  return { key: keys.privateKey, csr };
}
