import { status } from '@grpc/grpc-js';
import { KeystoreError } from '@trustmesh/keystore';
import { PkiError } from '@trustmesh/pki';
import { PolicyError } from '@trustmesh/policy';
import { StoreError } from '@trustmesh/store';
import { mapError, SignerError } from './index';

describe('mapError', () => {
  const cases: [string, unknown, number, string, 'denied' | 'error'][] = [
    [
      'ok/pki malformed input is INVALID_ARGUMENT',
      new PkiError('CSR_MALFORMED', 'offset 12'),
      status.INVALID_ARGUMENT,
      'CSR_MALFORMED',
      'denied',
    ],
    [
      'ok/pki chain failures are UNAUTHENTICATED',
      new PkiError('CHAIN_EXPIRED'),
      status.UNAUTHENTICATED,
      'CHAIN_EXPIRED',
      'denied',
    ],
    [
      'ok/policy refusals are PERMISSION_DENIED',
      new PolicyError('SAN_NOT_ALLOWED', 'x.example'),
      status.PERMISSION_DENIED,
      'SAN_NOT_ALLOWED',
      'denied',
    ],
    [
      'ok/policy bad names are INVALID_ARGUMENT',
      new PolicyError('INSTANCE_ID_INVALID', '../x'),
      status.INVALID_ARGUMENT,
      'INSTANCE_ID_INVALID',
      'denied',
    ],
    [
      'ok/spent tokens are UNAUTHENTICATED',
      new StoreError('TOKEN_USED'),
      status.UNAUTHENTICATED,
      'TOKEN_USED',
      'denied',
    ],
    [
      'ok/tokens for someone else are PERMISSION_DENIED',
      new StoreError('TOKEN_WRONG_TYPE'),
      status.PERMISSION_DENIED,
      'TOKEN_WRONG_TYPE',
      'denied',
    ],
    ['ok/a locked store is UNAVAILABLE', new StoreError('DB_LOCKED'), status.UNAVAILABLE, 'DB_LOCKED', 'error'],
    [
      'ok/a corrupt store is INTERNAL without internals',
      new StoreError('DB_CORRUPT', '/secret/path.db'),
      status.INTERNAL,
      'INTERNAL',
      'error',
    ],
    [
      'ok/keystore errors are INTERNAL',
      new KeystoreError('KEY_PASSPHRASE_WRONG'),
      status.INTERNAL,
      'INTERNAL',
      'error',
    ],
    [
      'ok/rate limited is RESOURCE_EXHAUSTED',
      new SignerError('RATE_LIMITED', 'a', { retryAfterMs: 5 }),
      status.RESOURCE_EXHAUSTED,
      'RATE_LIMITED',
      'denied',
    ],
    ['ok/no CA is UNAVAILABLE', new SignerError('NO_ACTIVE_CA', 'api'), status.UNAVAILABLE, 'NO_ACTIVE_CA', 'denied'],
    [
      'ok/unknown errors are INTERNAL',
      new TypeError('x is undefined at /src/foo.ts'),
      status.INTERNAL,
      'INTERNAL',
      'error',
    ],
  ];
  it.each(cases)('%s', (_n, err, code, reason, outcome) => {
    const m = mapError(err);
    expect({ code: m.code, reason: m.reason, outcome: m.outcome }).toEqual({ code, reason, outcome });
  });

  it('ok/messages never carry the detail', () => {
    expect(mapError(new PkiError('CSR_MALFORMED', 'offset 12')).message).not.toContain('offset 12');
    expect(mapError(new PolicyError('SAN_NOT_ALLOWED', 'x.example')).message).not.toContain('x.example');
    expect(mapError(new StoreError('DB_CORRUPT', '/secret/path.db')).message).toBe('internal error');
    expect(mapError(new SignerError('RATE_LIMITED', 'a', { retryAfterMs: 5 })).retryAfterMs).toBe(5);
  });
});
