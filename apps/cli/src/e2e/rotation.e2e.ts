/**
 * Rotation happy paths through the real bin: intermediate rotation, the three root phases with
 * the store's CA states, bundle version and hint after each, idempotent re-runs, key archiving,
 * `ca renew --keep-key` — and `openssl verify` as the judge of every new chain.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT } from '@trustmesh/ca';
import { cli, errorCode, opensslVerify, tempDir } from './harness';
import { auditTrail, initMesh, issueLeaf, only, pemOf, typeState } from './rotation-fixture';

// Every CLI call is a child process (about 0.5 s on an idle machine, more on a shared one).
jest.setTimeout(120_000);

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => {
  tmp = tempDir('tm-rot-');
});
afterAll(() => tmp.cleanup());

describe('ca rotate --intermediate', () => {
  it('ok/new active intermediate under the same root, old one standby, no bundle change; openssl verifies both chains', async () => {
    const state = join(tmp.dir, 'inter');
    initMesh(tmp.dir, state);
    const before = await typeState(state, 'api');
    const root = only(before.cas, 'root', 'active');
    const oldInter = only(before.cas, 'intermediate', 'active');
    const oldLeaf = await issueLeaf(state, oldInter, 'api-1');

    const r = cli(['ca', 'rotate', 'api', '--intermediate', '--dir', state, '--json']);
    expect([r.code, errorCode(r.stderr)]).toEqual([0, undefined]);
    const out = JSON.parse(r.stdout) as { intermediateId: string; noop: boolean };
    expect(out.noop).toBe(false);

    const after = await typeState(state, 'api');
    const newInter = only(after.cas, 'intermediate', 'active');
    expect(newInter.id).toBe(out.intermediateId);
    expect(newInter.parentId).toBe(root.id);
    expect(after.states[oldInter.id]).toBe('intermediate:standby');
    expect(after.states[root.id]).toBe('root:active');
    expect(after.version).toBe(before.version);
    expect(existsSync(join(state, newInter.keyRef))).toBe(true);

    const newLeaf = await issueLeaf(state, newInter, 'api-2');
    expect(opensslVerify(tmp.dir, pemOf(root), newLeaf.pem, pemOf(newInter)).ok).toBe(true);
    // Leaves of the previous intermediate keep verifying until their next renewal.
    expect(opensslVerify(tmp.dir, pemOf(root), oldLeaf.pem, pemOf(oldInter)).ok).toBe(true);
    // ca export follows the new issuer.
    expect(cli(['ca', 'export', 'api', '--dir', state]).stdout.trim()).toBe(pemOf(newInter).trim());
    expect(await auditTrail(state, 'ca.rotate')).toEqual([['ca.rotate.intermediate', 'ok', undefined]]);
  });
});

describe('ca rotate --root', () => {
  it('ok/prepare → activate → retire: CA states, bundle version and hint after each phase; re-runs are no-ops', async () => {
    const state = join(tmp.dir, 'root');
    initMesh(tmp.dir, state);
    const s0 = await typeState(state, 'db');
    const oldRoot = only(s0.cas, 'root', 'active');
    const oldInter = only(s0.cas, 'intermediate', 'active');
    expect(s0.version).toBe('1');

    const p = cli(['ca', 'rotate', 'db', '--root', '--phase', 'prepare', '--dir', state]);
    expect([p.code, errorCode(p.stderr)]).toEqual([0, undefined]);
    const s1 = await typeState(state, 'db');
    const newRoot = only(s1.cas, 'root', 'incoming');
    const newInter = only(s1.cas, 'intermediate', 'standby');
    expect(newInter.parentId).toBe(newRoot.id);
    expect([s1.states[oldRoot.id], s1.states[oldInter.id], s1.version]).toEqual([
      'root:active',
      'intermediate:active',
      '2',
    ]);
    const newLeaf = await issueLeaf(state, newInter, 'db-9');
    expect(opensslVerify(tmp.dir, pemOf(newRoot), newLeaf.pem, pemOf(newInter)).ok).toBe(true);
    expect(opensslVerify(tmp.dir, pemOf(oldRoot), newLeaf.pem, pemOf(newInter)).ok).toBe(false);

    const again = cli(['ca', 'rotate', 'db', '--root', '--phase', 'prepare', '--dir', state]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already done');
    expect((await typeState(state, 'db')).version).toBe('2');

    const a = cli(['ca', 'rotate', 'db', '--root', '--phase', 'activate', '--window', '5m', '--dir', state]);
    expect([a.code, errorCode(a.stderr)]).toEqual([0, undefined]);
    const s2 = await typeState(state, 'db');
    expect([
      s2.states[newRoot.id],
      s2.states[newInter.id],
      s2.states[oldRoot.id],
      s2.states[oldInter.id],
      s2.version,
    ]).toEqual(['root:active', 'intermediate:active', 'root:retiring', 'intermediate:standby', '3']);
    const hint = Number(s2.hint);
    expect(hint).toBeGreaterThan(Date.now() / 1000 + 240);
    expect(hint).toBeLessThanOrEqual(Date.now() / 1000 + 300);
    expect(cli(['ca', 'export', 'db', '--chain', '--dir', state]).stdout).toContain(pemOf(newRoot).trim());
    expect(cli(['ca', 'rotate', 'db', '--root', '--phase', 'activate', '--dir', state]).stdout).toContain(
      'already done',
    );

    const t = cli(['ca', 'rotate', 'db', '--root', '--phase', 'retire', '--dir', state, '--json']);
    expect([t.code, errorCode(t.stderr)]).toEqual([0, undefined]);
    const s3 = await typeState(state, 'db');
    expect([s3.states[newRoot.id], s3.states[oldRoot.id], s3.states[oldInter.id], s3.version, s3.hint]).toEqual([
      'root:active',
      'root:retired',
      'intermediate:retired',
      '4',
      '0',
    ]);
    // Keys are never deleted: the old root's and intermediate's keys moved to offline/archive/.
    expect(readdirSync(join(state, LAYOUT.archive)).sort()).toEqual([`${oldInter.id}.key`, `${oldRoot.id}.key`].sort());
    expect(existsSync(join(state, oldRoot.keyRef))).toBe(false);
    expect(existsSync(join(state, newRoot.keyRef))).toBe(true);

    const t2 = cli(['ca', 'rotate', 'db', '--root', '--phase', 'retire', '--dir', state]);
    expect([t2.code, t2.stdout.includes('already done')]).toEqual([0, true]);
    expect((await typeState(state, 'db')).version).toBe('4');
    // A new rotation can start after a completed one.
    expect(cli(['ca', 'rotate', 'db', '--root', '--phase', 'prepare', '--dir', state]).code).toBe(0);

    expect(await auditTrail(state, 'ca.rotate')).toEqual([
      ['ca.rotate.prepare', 'ok', undefined],
      ['ca.rotate.prepare', 'ok', undefined],
      ['ca.rotate.activate', 'ok', undefined],
      ['ca.rotate.activate', 'ok', undefined],
      ['ca.rotate.retire', 'ok', undefined],
      ['ca.rotate.retire', 'ok', undefined],
      ['ca.rotate.prepare', 'ok', undefined],
    ]);
    expect(cli(['audit', 'verify', '--dir', state]).code).toBe(0);
  });
});

describe('ca renew --keep-key', () => {
  it('ok/new root certificate from the same key: an old leaf verifies against it (openssl), the bundle carries it', async () => {
    const state = join(tmp.dir, 'renew');
    initMesh(tmp.dir, state);
    const s0 = await typeState(state, 'web');
    const oldRoot = only(s0.cas, 'root', 'active');
    const inter = only(s0.cas, 'intermediate', 'active');
    const leaf = await issueLeaf(state, inter, 'web-1');

    const r = cli(['ca', 'renew', 'web', '--keep-key', '--dir', state, '--json']);
    expect([r.code, errorCode(r.stderr)]).toEqual([0, undefined]);
    const s1 = await typeState(state, 'web');
    const newRoot = only(s1.cas, 'root', 'active');
    expect(newRoot.id).toBe(`${oldRoot.id}-r2`);
    expect([s1.states[oldRoot.id], s1.states[inter.id], s1.version]).toEqual([
      'root:retired',
      'intermediate:active',
      '2',
    ]);
    expect(newRoot.keyRef).toBe(oldRoot.keyRef);
    expect(newRoot.certificateDer.equals(oldRoot.certificateDer)).toBe(false);
    expect(newRoot.subject).toBe(oldRoot.subject);

    // The judge: the old leaf and intermediate verify against the NEW root certificate alone.
    const v = opensslVerify(tmp.dir, pemOf(newRoot), leaf.pem, pemOf(inter));
    expect(v.out).toContain('OK');
    expect(v.ok).toBe(true);
    expect(cli(['ca', 'export', 'web', '--root', '--dir', state]).stdout.trim()).toBe(pemOf(newRoot).trim());

    // A second renewal gets the next suffix; intermediates can still be rotated under the renewed root.
    expect(cli(['ca', 'renew', 'web', '--keep-key', '--dir', state]).code).toBe(0);
    expect(only((await typeState(state, 'web')).cas, 'root', 'active').id).toBe(`${oldRoot.id}-r3`);
    expect(cli(['ca', 'rotate', 'web', '--intermediate', '--dir', state]).code).toBe(0);
    const s3 = await typeState(state, 'web');
    const newInter = only(s3.cas, 'intermediate', 'active');
    const leaf2 = await issueLeaf(state, newInter, 'web-2');
    expect(opensslVerify(tmp.dir, pemOf(only(s3.cas, 'root', 'active')), leaf2.pem, pemOf(newInter)).ok).toBe(true);
    expect(await auditTrail(state, 'ca.renew')).toEqual([
      ['ca.renew', 'ok', undefined],
      ['ca.renew', 'ok', undefined],
    ]);
  });
});
