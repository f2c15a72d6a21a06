import type Database from 'better-sqlite3';
import { StoreError } from '../errors';
import { TokenRecord } from '../types';
import { checkToken, isHexSha256, ms } from '../validate';
import { TokenRow, tokenFromRow } from './rows';
import { prepared } from './statements';

// Synchronous token operations. Only hashes are stored; the secret never reaches the store.

export function putToken(db: Database.Database, r: TokenRecord): void {
  checkToken(r);
  prepared(
    db,
    `INSERT INTO tokens (id, hash, service_type, instance_id, created_at, expires_at, used_at, revoked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.id,
    r.hash,
    r.serviceType,
    r.instanceId,
    r.createdAt.getTime(),
    r.expiresAt.getTime(),
    r.usedAt?.getTime() ?? null,
    r.revokedAt?.getTime() ?? null,
  );
}

export function listTokens(db: Database.Database): TokenRecord[] {
  return (prepared(db, 'SELECT * FROM tokens ORDER BY created_at, id').all() as TokenRow[]).map(tokenFromRow);
}

export function revokeToken(db: Database.Database, id: string, now: Date): void {
  const t = ms(now, 'now');
  // COALESCE keeps the first revocation time: revoking twice is not an error and changes nothing.
  const res = prepared(db, 'UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(t, id);
  if (res.changes === 0) throw new StoreError('NOT_FOUND', 'token');
}

/**
 * Redeems a token: checks, then a conditional UPDATE (`used_at IS NULL AND revoked_at IS NULL`)
 * inside an IMMEDIATE transaction, so of any number of concurrent redeemers, in this process or
 * others, exactly one sees `changes = 1`. A refused token is left untouched.
 */
export function redeemToken(
  db: Database.Database,
  hash: string,
  now: Date,
  want: { serviceType: string; instanceId: string },
): TokenRecord {
  const t = ms(now, 'now');
  return db
    .transaction(() => {
      const row = isHexSha256(hash)
        ? (prepared(db, 'SELECT * FROM tokens WHERE hash = ?').get(hash) as TokenRow | undefined)
        : undefined;
      if (!row) throw new StoreError('TOKEN_UNKNOWN');
      if (row.revoked_at !== null) throw new StoreError('TOKEN_REVOKED');
      if (row.used_at !== null) throw new StoreError('TOKEN_USED');
      if (t >= row.expires_at) throw new StoreError('TOKEN_EXPIRED');
      if (row.service_type !== want.serviceType) throw new StoreError('TOKEN_WRONG_TYPE');
      if (row.instance_id !== null && row.instance_id !== want.instanceId) throw new StoreError('TOKEN_WRONG_INSTANCE');
      const res = prepared(
        db,
        'UPDATE tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?',
      ).run(t, row.id, t);
      if (res.changes !== 1) throw new StoreError('TOKEN_USED');
      return tokenFromRow({ ...row, used_at: t });
    })
    .immediate();
}
