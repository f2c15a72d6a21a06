/**
 * Tokens (create/list/revoke, and used/expired/revoked tokens presented later, redeemed at the
 * store level on the CLI's state dir) and `audit verify` before and after tampering.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore, type Store } from '@trustmesh/store';
import { hashToken, LAYOUT } from '@trustmesh/ca';
import { cli, errorCode, tempDir } from './harness';

let tmp: { dir: string; cleanup: () => void };
let state: string;
beforeAll(() => {
  tmp = tempDir();
  state = join(tmp.dir, 'state');
  expect(
    cli(['init', '--dir', state, '--trust-domain', 'example.test', '--types', 'api,db', '--insecure-plaintext-keys'])
      .code,
  ).toBe(0);
});
afterAll(() => tmp.cleanup());

interface TokenJson {
  id: string;
  secret?: string;
  serviceType: string;
  instanceId: string | null;
  expiresAt: string;
  state?: string;
}
function create(...args: string[]): TokenJson {
  const r = cli(['token', 'create', '--dir', state, '--json', ...args]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as TokenJson;
}
function list(): TokenJson[] {
  const r = cli(['token', 'list', '--dir', state, '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as TokenJson[];
}
async function withStore<T>(fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openSqliteStore(join(state, LAYOUT.db), { create: false });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
async function redeemCode(
  secret: string,
  now: Date,
  want: { serviceType: string; instanceId: string },
): Promise<string> {
  return withStore(async (s) => {
    try {
      await s.redeemToken(hashToken(secret), now, want);
      return 'OK';
    } catch (err) {
      return (err as { code: string }).code;
    }
  });
}

describe('tokens', () => {
  it('ok/create prints the secret once; the store holds only its SHA-256; list never shows it', async () => {
    const t = create('--type', 'api', '--ttl', '15m', '--instance', 'api-1');
    expect(t.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(t.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    const listed = list().find((x) => x.id === t.id) as TokenJson;
    expect(listed).toMatchObject({ serviceType: 'api', instanceId: 'api-1', state: 'active' });
    const human = cli(['token', 'list', '--dir', state]);
    expect(human.stdout).toMatch(new RegExp(`${t.id}\\s+api\\s+api-1\\s+\\S+\\s+active`));
    for (const out of [JSON.stringify(list()), human.stdout]) expect(out).not.toContain(t.secret);
    const stored = await withStore((s) => s.listTokens());
    expect(stored.find((x) => x.id === t.id)?.hash).toBe(hashToken(t.secret as string));
    expect(JSON.stringify(stored)).not.toContain(t.secret);
  });

  it('ok/plain output: stdout is just the secret, details on stderr', () => {
    const r = cli(['token', 'create', '--type', 'db', '--dir', state]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(r.stderr).toContain('shown only once');
  });

  it('fail/a used token presented again: TOKEN_USED; wrong type/instance refused; list says used', async () => {
    const t = create('--type', 'api', '--instance', 'api-2');
    const now = new Date();
    expect(await redeemCode(t.secret as string, now, { serviceType: 'db', instanceId: 'api-2' })).toBe(
      'TOKEN_WRONG_TYPE',
    );
    expect(await redeemCode(t.secret as string, now, { serviceType: 'api', instanceId: 'api-3' })).toBe(
      'TOKEN_WRONG_INSTANCE',
    );
    expect(await redeemCode(t.secret as string, now, { serviceType: 'api', instanceId: 'api-2' })).toBe('OK');
    expect(await redeemCode(t.secret as string, now, { serviceType: 'api', instanceId: 'api-2' })).toBe('TOKEN_USED');
    expect(list().find((x) => x.id === t.id)?.state).toBe('used');
  });

  it('fail/an expired token presented later: TOKEN_EXPIRED', async () => {
    const t = create('--type', 'db', '--ttl', '1m');
    const later = new Date(Date.parse(t.expiresAt) + 1000);
    expect(await redeemCode(t.secret as string, later, { serviceType: 'db', instanceId: 'db-1' })).toBe(
      'TOKEN_EXPIRED',
    );
  });

  it('fail/a revoked token presented later: TOKEN_REVOKED; list says revoked; unknown id NOT_FOUND', async () => {
    const t = create('--type', 'db');
    const r = cli(['token', 'revoke', t.id, '--dir', state]);
    expect(r.code).toBe(0);
    expect(await redeemCode(t.secret as string, new Date(), { serviceType: 'db', instanceId: 'db-1' })).toBe(
      'TOKEN_REVOKED',
    );
    expect(list().find((x) => x.id === t.id)?.state).toBe('revoked');
    const u = cli(['token', 'revoke', '0123456789abcdef', '--dir', state]);
    expect([u.code, errorCode(u.stderr)]).toEqual([1, 'NOT_FOUND']);
  });

  it('ok/list shows expired for a token past its expiry', async () => {
    const past = new Date(Date.now() - 3_600_000);
    await withStore((s) =>
      s.putToken({
        id: 'feedfacefeedface',
        hash: hashToken('x'.repeat(43)),
        serviceType: 'api',
        instanceId: null,
        createdAt: new Date(past.getTime() - 60_000),
        expiresAt: past,
        usedAt: null,
        revokedAt: null,
      }),
    );
    expect(list().find((x) => x.id === 'feedfacefeedface')?.state).toBe('expired');
  });
});

describe('audit verify', () => {
  it('ok/intact after init and token mutations; every mutation was audited by cli', async () => {
    const r = cli(['audit', 'verify', '--dir', state, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
    const actions = (await withStore((s) => s.listAudit())).map((a) => `${a.actor}:${a.action}:${a.outcome}`);
    for (const a of [
      'cli:init:ok',
      'cli:ca.create:ok',
      'cli:token.create:ok',
      'cli:token.revoke:ok',
      'cli:token.revoke:error',
    ]) {
      expect(actions).toContain(a);
    }
  });

  const tampers: { name: string; problem: string; sql: (seq: number) => string }[] = [
    {
      name: 'edited',
      problem: 'edited',
      sql: (n) =>
        `DROP TRIGGER IF EXISTS audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE seq = ${n};`,
    },
    {
      name: 'deleted',
      problem: 'deleted',
      sql: (n) => `DROP TRIGGER IF EXISTS audit_log_no_delete; DELETE FROM audit_log WHERE seq = ${n};`,
    },
    {
      name: 'two rows swapped',
      problem: 'reordered',
      sql: (n) => `DROP TRIGGER IF EXISTS audit_log_no_update;
      UPDATE audit_log SET seq = -1 WHERE seq = ${n}; UPDATE audit_log SET seq = ${n} WHERE seq = ${n + 1};
      UPDATE audit_log SET seq = ${n + 1} WHERE seq = -1;`,
    },
  ];
  it.each(tampers)(
    'fail/a record $name in the SQLite file is named: AUDIT_TAMPERED, exit 1',
    async ({ name, problem, sql }) => {
      const copy = join(tmp.dir, `tamper-${name.replace(/ /g, '-')}`);
      cpSync(state, copy, { recursive: true });
      const records = await withStore((s) => s.listAudit());
      const victim = records[2].seq;
      const db = new Database(join(copy, LAYOUT.db));
      db.exec(sql(victim));
      db.close();
      const r = cli(['audit', 'verify', '--dir', copy]);
      expect([r.code, errorCode(r.stderr)]).toEqual([1, 'AUDIT_TAMPERED']);
      expect(r.stderr).toMatch(new RegExp(`record #${victim} was ${problem}`));
      const j = cli(['audit', 'verify', '--dir', copy, '--json']);
      expect(j.code).toBe(1);
      expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, firstBadSeq: victim, problem });
    },
  );
});
