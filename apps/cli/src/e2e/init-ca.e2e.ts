/**
 * init → every chain verified by openssl; ca list/export; ca create for a type added later;
 * key files encrypted; wrong passphrase; refusing an initialized directory.
 */
import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readKeyFile } from '@trustmesh/keystore';
import { isStoreFile, LAYOUT, STAGING_PREFIX } from '@trustmesh/ca';
import { PASS, baseEnv, cli, errorCode, opensslVerify, pemBlocks, snapshot, tempDir } from './harness';

let tmp: { dir: string; cleanup: () => void };
let state: string;
beforeAll(() => {
  tmp = tempDir();
  state = join(tmp.dir, 'state');
  const r = cli(['init', '--dir', state, '--trust-domain', 'example.test', '--types', 'api,db']);
  expect(r.stderr).toContain('TRUSTMESH_KDF=fast');
  expect(r.code).toBe(0);
});
afterAll(() => tmp.cleanup());

interface CaJson {
  id: string;
  serviceType: string;
  role: string;
  parentId: string | null;
  state: string;
  subject: string;
  notAfter: string;
  keyRef: string;
}
function caList(): CaJson[] {
  const r = cli(['ca', 'list', '--dir', state, '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as CaJson[];
}
function exportPem(type: string, flag?: string): string {
  const r = cli(['ca', 'export', type, '--dir', state, ...(flag ? [flag] : [])]);
  expect(r.code).toBe(0);
  return r.stdout;
}

describe('init and ca', () => {
  it('ok/layout: store, mesh config, platform root, admin identity, roots under offline/', () => {
    for (const f of [LAYOUT.db, LAYOUT.mesh, LAYOUT.platformRoot, LAYOUT.adminCert, LAYOUT.adminKey]) {
      expect(existsSync(join(state, f))).toBe(true);
    }
    expect(existsSync(join(state, LAYOUT.lock))).toBe(false);
    expect(readdirSync(state).filter((e) => e.startsWith(STAGING_PREFIX))).toEqual([]);
    const cas = caList();
    expect(cas.map((c) => `${c.serviceType}/${c.role}`).sort()).toEqual([
      'api/intermediate',
      'api/root',
      'db/intermediate',
      'db/root',
      'platform/intermediate',
      'platform/root',
    ]);
    for (const c of cas) {
      expect(c.keyRef).toBe(`${c.role === 'root' ? 'offline' : 'keys'}/${c.id}.key`);
      expect(existsSync(join(state, c.keyRef))).toBe(true);
      expect(c.state).toBe('active');
    }
    const years = (c: CaJson): number => (Date.parse(c.notAfter) - Date.now()) / (365 * 86_400_000);
    expect(years(cas.find((c) => c.role === 'root') as CaJson)).toBeGreaterThan(9.9);
    expect(years(cas.find((c) => c.role === 'intermediate') as CaJson)).toBeLessThan(1.01);
  });

  it.each(['api', 'db', 'platform'])('ok/openssl verifies the %s chain; export --root / --chain / default', (type) => {
    const root = exportPem(type, '--root');
    const inter = exportPem(type);
    const chain = exportPem(type, '--chain');
    expect(pemBlocks(root)).toHaveLength(1);
    expect(pemBlocks(chain)).toEqual([...pemBlocks(inter), ...pemBlocks(root)]);
    expect(opensslVerify(tmp.dir, root, root).ok).toBe(true);
    const v = opensslVerify(tmp.dir, root, inter);
    expect(v.out).toContain(': OK');
    expect(v.ok).toBe(true);
  });

  it('fail/openssl rejects a chain across types (api intermediate under the db root)', () => {
    expect(opensslVerify(tmp.dir, exportPem('db', '--root'), exportPem('api')).ok).toBe(false);
  });

  it('ok/the admin leaf verifies against the platform root, with its SPIFFE ID', () => {
    const [leaf, inter] = pemBlocks(readFileSync(join(state, LAYOUT.adminCert), 'utf8'));
    const root = readFileSync(join(state, LAYOUT.platformRoot), 'utf8');
    expect(root).toBe(exportPem('platform', '--root'));
    const v = opensslVerify(tmp.dir, root, leaf, inter);
    expect(v.ok).toBe(true);
    const r = cli(['cert', 'inspect', join(state, LAYOUT.adminCert), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { spiffeId: string; isCa: boolean; notAfter: string };
    expect(s.spiffeId).toBe('spiffe://example.test/admin/cli');
    expect(s.isCa).toBe(false);
    expect((Date.parse(s.notAfter) - Date.now()) / 86_400_000).toBeCloseTo(30, 0);
  });

  it('ok/ca list (human) shows type, role, id, subject, not after, state', () => {
    const r = cli(['ca', 'list', '--dir', state]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^TYPE\s+ROLE\s+CA ID\s+SUBJECT\s+NOT AFTER\s+STATE$/);
    expect(r.stdout).toMatch(/api\s+root\s+[0-9a-f]{40}\s+.*TrustMesh api Root CA.*active/);
  });

  it('ok/every key file is encrypted; the wrong passphrase cannot read it', async () => {
    const files = [...caList().map((c) => join(state, c.keyRef)), join(state, LAYOUT.adminKey)];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text.startsWith('-----BEGIN TRUSTMESH ENCRYPTED PRIVATE KEY-----\n')).toBe(true);
      expect(text).not.toContain('PRIVATE KEY-----\nMI'); // no plain PKCS#8 PEM body
      await expect(readKeyFile(f, 'not the passphrase')).rejects.toMatchObject({ code: 'KEY_PASSPHRASE_WRONG' });
    }
    await expect(readKeyFile(files[0], PASS)).resolves.toBeDefined();
  });

  it('fail/ca create with the wrong passphrase: KEY_PASSPHRASE_WRONG, nothing written', () => {
    appendFileSync(join(state, LAYOUT.mesh), '  billing: {}\n');
    const before = snapshot(state);
    const r = cli(['ca', 'create', 'billing', '--dir', state], baseEnv({ TRUSTMESH_PASSPHRASE: 'wrong passphrase!' }));
    expect(r.code).toBe(1);
    expect(errorCode(r.stderr)).toBe('KEY_PASSPHRASE_WRONG');
    const after = snapshot(state);
    for (const k of Object.keys(before).filter((k) => !isStoreFile(k))) expect(after[k]).toBe(before[k]);
    expect(
      Object.keys(after)
        .filter((k) => k.endsWith('.key'))
        .sort(),
    ).toEqual(
      Object.keys(before)
        .filter((k) => k.endsWith('.key'))
        .sort(),
    );
    expect(caList().some((c) => c.serviceType === 'billing')).toBe(false);
    const none = cli(['ca', 'create', 'billing', '--dir', state], baseEnv());
    expect([none.code, errorCode(none.stderr)]).toEqual([1, 'KEY_PASSPHRASE_REQUIRED']);
    expect(
      Object.keys(snapshot(state))
        .filter((k) => k.endsWith('.key'))
        .sort(),
    ).toEqual(
      Object.keys(before)
        .filter((k) => k.endsWith('.key'))
        .sort(),
    );
  });

  it('ok/ca create for a type added to the mesh config later; openssl verifies it; CA_EXISTS the second time', () => {
    const r = cli(['ca', 'create', 'billing', '--dir', state, '--json']);
    expect(r.stderr).toBe(
      'trustmesh: warning: TRUSTMESH_KDF=fast: key files get a weak KDF (scrypt N=2^10); tests only\n',
    );
    expect(r.code).toBe(0);
    const made = JSON.parse(r.stdout) as CaJson[];
    expect(made.map((c) => c.role)).toEqual(['root', 'intermediate']);
    const v = opensslVerify(tmp.dir, exportPem('billing', '--root'), exportPem('billing'));
    expect(v.ok).toBe(true);
    const again = cli(['ca', 'create', 'billing', '--dir', state]);
    expect([again.code, errorCode(again.stderr)]).toEqual([1, 'CA_EXISTS']);
  });

  it('fail/init into an initialized directory: ALREADY_INITIALIZED, nothing touched', () => {
    const before = snapshot(state);
    for (const extra of [[], ['--insecure-plaintext-keys']]) {
      const r = cli(['init', '--dir', state, '--trust-domain', 'example.test', '--types', 'api', ...extra]);
      expect(r.code).toBe(1);
      expect(errorCode(r.stderr)).toBe('ALREADY_INITIALIZED');
      expect(r.stderr).toContain('--force');
    }
    expect(snapshot(state)).toEqual(before);
  });

  it('ok/ca create --config adds a type and replaces the mesh config; bad replacements leave it untouched', () => {
    const meshPath = join(state, LAYOUT.mesh);
    const cases: [string, string, string][] = [
      ['other.test', 'api: {}\n  db: {}\n  billing: {}\n  web: {}', 'TRUST_DOMAIN_MISMATCH'],
      ['example.test', 'api: {}\n  web: {}', 'CONFIG_INVALID'],
    ];
    for (const [td, types, want] of cases) {
      const file = join(tmp.dir, `bad-${want}.yaml`);
      writeFileSync(file, `trustDomain: ${td}\ntypes:\n  ${types}\n`);
      const before = readFileSync(meshPath, 'utf8');
      const r = cli(['ca', 'create', 'web', '--dir', state, '--config', file]);
      expect([r.code, errorCode(r.stderr)]).toEqual([1, want]);
      expect(readFileSync(meshPath, 'utf8')).toBe(before);
    }
    const good = join(tmp.dir, 'good.yaml');
    const text =
      'trustDomain: example.test\ntypes:\n  api: { dials: [web] }\n  db: {}\n  billing: {}\n  web: { accepts: [api] }\n';
    writeFileSync(good, text);
    const r = cli(['ca', 'create', 'web', '--dir', state, '--config', good]);
    expect(r.code).toBe(0);
    expect(readFileSync(meshPath, 'utf8')).toBe(text);
    expect(opensslVerify(tmp.dir, exportPem('web', '--root'), exportPem('web')).ok).toBe(true);
  });
});
