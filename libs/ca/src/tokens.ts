/**
 * Bootstrap tokens: 32 random bytes as base64url, shown once; the store keeps only the
 * SHA-256 (hex) of the token's UTF-8 text, which is what the signer hashes on redemption.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TokenRecord } from '@trustmesh/store';

/** A new token: the record to store and the secret to print once. */
export interface NewToken {
  record: TokenRecord;
  secret: string;
}

/** SHA-256 hex of a token secret as presented (its UTF-8 text). */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Makes a token for `serviceType` (optionally bound to `instanceId`) that expires after `ttlSeconds`. */
export function newToken(o: {
  serviceType: string;
  instanceId: string | null;
  ttlSeconds: number;
  now: Date;
}): NewToken {
  const secret = randomBytes(32).toString('base64url');
  const record: TokenRecord = {
    id: randomBytes(8).toString('hex'),
    hash: hashToken(secret),
    serviceType: o.serviceType,
    instanceId: o.instanceId,
    createdAt: o.now,
    expiresAt: new Date(o.now.getTime() + o.ttlSeconds * 1000),
    usedAt: null,
    revokedAt: null,
  };
  return { record, secret };
}
