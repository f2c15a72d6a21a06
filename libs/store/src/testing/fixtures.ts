import { createHash, randomBytes } from 'node:crypto';
import { StoreError, StoreErrorCode } from '../errors';
import { CaRecord, IssuedCertRecord, TokenRecord } from '../types';

/** A fixed instant the contract tests count from (no wall clock in assertions). */
export const T0 = new Date(Date.UTC(2026, 0, 1, 0, 0, 0));

/** T0 plus `s` seconds. */
export function at(s: number): Date {
  return new Date(T0.getTime() + s * 1000);
}

/** Hex SHA-256 of a token secret: all a store ever sees. */
export function tokenHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A root CA record (override anything). */
export function caRecord(id: string, over: Partial<CaRecord> = {}): CaRecord {
  return {
    id,
    serviceType: 'api',
    role: 'root',
    parentId: null,
    state: 'active',
    subject: `CN=${id}`,
    certificateDer: randomBytes(64),
    keyRef: `offline/${id}.key`,
    notBefore: at(0),
    notAfter: at(86400 * 3650),
    createdAt: at(0),
    ...over,
  };
}

/** An intermediate under `parentId`. */
export function intermediateRecord(id: string, parentId: string, over: Partial<CaRecord> = {}): CaRecord {
  return caRecord(id, { role: 'intermediate', parentId, keyRef: `keys/${id}.key`, notAfter: at(86400 * 365), ...over });
}

/** An issued leaf record under `caId`. */
export function issuedRecord(serialHex: string, caId: string, over: Partial<IssuedCertRecord> = {}): IssuedCertRecord {
  return {
    serialHex,
    serviceType: 'api',
    instanceId: 'api-1',
    spiffeId: 'spiffe://example.test/api/api-1',
    sans: { dns: ['api-1.api.svc'], uris: ['spiffe://example.test/api/api-1'], ips: [] },
    caId,
    notBefore: at(0),
    notAfter: at(86400),
    spkiPin: 'pin',
    issuedAt: at(0),
    ...over,
  };
}

/** An unused, unrevoked token for `api` expiring one hour after T0, with the secret it hashes. */
export function tokenRecord(id: string, over: Partial<TokenRecord> = {}): { record: TokenRecord; secret: string } {
  const secret = randomBytes(32).toString('base64url');
  return {
    secret,
    record: {
      id,
      hash: tokenHash(secret),
      serviceType: 'api',
      instanceId: null,
      createdAt: at(0),
      expiresAt: at(3600),
      usedAt: null,
      revokedAt: null,
      ...over,
    },
  };
}

/** Awaits `p`, expects a StoreError with `code`, returns it. */
export async function expectStoreError(p: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StoreError);
  expect((caught as StoreError).code).toBe(code);
  return caught as StoreError;
}
