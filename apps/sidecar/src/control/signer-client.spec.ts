import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { pemEncode } from '@trustmesh/pki';
import { createTestCa } from '../testing/test-mesh';
import { ControlError } from './errors';
import { SignerClient, toControlError } from './signer-client';

function serviceError(code: status, reason?: string, retryAfter?: string): ServiceError {
  const metadata = new Metadata();
  if (reason) metadata.set('trustmesh-reason', reason);
  if (retryAfter) metadata.set('retry-after-ms', retryAfter);
  return Object.assign(new Error('x'), { code, details: 'fixed message', metadata }) as ServiceError;
}

describe('toControlError', () => {
  it.each([
    ['fail/UNAUTHENTICATED', status.UNAUTHENTICATED, 'TOKEN_USED', undefined, 'SIGNER_DENIED', false],
    ['fail/PERMISSION_DENIED', status.PERMISSION_DENIED, 'PEER_IDENTITY_MISMATCH', undefined, 'SIGNER_DENIED', false],
    ['fail/INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'CSR_MALFORMED', undefined, 'SIGNER_REJECTED', false],
    [
      'fail/RESOURCE_EXHAUSTED with retry hint',
      status.RESOURCE_EXHAUSTED,
      'RATE_LIMITED',
      '250',
      'SIGNER_RATE_LIMITED',
      true,
    ],
    ['fail/UNAVAILABLE', status.UNAVAILABLE, 'NO_ACTIVE_CA', undefined, 'SIGNER_UNAVAILABLE', true],
    ['fail/DEADLINE_EXCEEDED, no reason', status.DEADLINE_EXCEEDED, undefined, undefined, 'SIGNER_UNAVAILABLE', true],
    ['fail/INTERNAL', status.INTERNAL, 'INTERNAL', undefined, 'SIGNER_FAILED', true],
  ])('%s → %s', (_name, code, reason, retry, expected, transient) => {
    const e = toControlError(serviceError(code, reason, retry));
    expect(e).toBeInstanceOf(ControlError);
    expect({ code: e.code, reason: e.reason, grpcCode: e.grpcCode, transient: e.transient }).toEqual({
      code: expected,
      reason,
      grpcCode: code,
      transient,
    });
    expect(e.retryAfterMs).toBe(retry ? Number(retry) : undefined);
  });
});

describe('SignerClient', () => {
  it.each([
    ['fail/a CA file without a certificate', 'nothing here'],
    [
      'fail/a CERTIFICATE block that is no X.509 certificate',
      '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n',
    ],
  ])('%s → CA_FILE_UNREADABLE', (_name, caPem) => {
    expect(() => new SignerClient({ address: { host: '127.0.0.1', port: 1 }, caPem })).toThrow(
      expect.objectContaining({ code: 'CA_FILE_UNREADABLE' }),
    );
  });

  it('fail/renewal and status without an identity → SIGNER_DENIED NO_IDENTITY, nothing sent', async () => {
    const c = new SignerClient({
      address: { host: '127.0.0.1', port: 1 },
      caPem: pemEncode('CERTIFICATE', createTestCa('platform', new Date()).root),
    });
    try {
      await expect(c.sign({ csr: Buffer.from([1]), serviceType: 'api', instanceId: 'a' })).rejects.toMatchObject({
        code: 'SIGNER_DENIED',
        reason: 'NO_IDENTITY',
      });
      await expect(c.reportStatus({} as never)).rejects.toMatchObject({ code: 'SIGNER_DENIED', reason: 'NO_IDENTITY' });
    } finally {
      c.close();
    }
    await expect(c.getTrustBundle([])).rejects.toMatchObject({ code: 'SIGNER_UNAVAILABLE' });
  });
});
