/**
 * Bad input through the real bin: each case asserts the exit code and the reason code on the
 * one stderr line, and that nothing was half-written.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LAYOUT } from '@trustmesh/ca';
import { baseEnv, cli, errorCode, snapshot, tempDir } from './harness';

let tmp: { dir: string; cleanup: () => void };
let state: string;
beforeAll(() => {
  tmp = tempDir();
  state = join(tmp.dir, 'state');
  const r = cli([
    'init',
    '--dir',
    state,
    '--trust-domain',
    'example.test',
    '--types',
    'api',
    '--insecure-plaintext-keys',
  ]);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('warning: --insecure-plaintext-keys');
});
afterAll(() => tmp.cleanup());

// The full usage table runs in process (run.spec.ts); here the real bin proves the exit codes.
const usage: { name: string; args: string[] }[] = [
  { name: 'no command', args: [] },
  { name: 'unknown option', args: ['ca', 'list', '--colour'] },
  { name: 'missing positional', args: ['ca', 'create'] },
  { name: 'bad ttl', args: ['token', 'create', '--type', 'api', '--ttl', 'forever'] },
];
describe('usage errors exit 2 from the real process', () => {
  it.each(usage)('fail/$name', ({ args }) => {
    const r = cli([...args, ...(args.length > 1 ? ['--dir', state] : [])], baseEnv());
    expect(r.code).toBe(2);
    expect(['USAGE', 'CONFIG_INVALID']).toContain(errorCode(r.stderr));
    expect(r.stdout).toBe('');
  });

  it('ok/--help exits 0 with usage on stdout', () => {
    for (const args of [['--help'], ['token', 'create', '--help']]) {
      const r = cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/usage: trustmesh/);
    }
  });
});

describe('config errors', () => {
  it('fail/init lists every bad field in one CONFIG_INVALID line (exit 2)', () => {
    const r = cli(
      ['init', '--dir', join(tmp.dir, 'n1'), '--trust-domain', 'Bad Domain', '--types', 'API,platform,ok'],
      baseEnv({ TRUSTMESH_KDF: 'weird' }),
    );
    expect(r.code).toBe(2);
    expect(errorCode(r.stderr)).toBe('CONFIG_INVALID');
    const line = r.stderr.trim().split('\n').pop() as string;
    for (const where of ['--passphrase-file', 'TRUSTMESH_KDF', '--trust-domain', 'API', 'platform'])
      expect(line).toContain(where);
    expect(existsSync(join(tmp.dir, 'n1'))).toBe(false);
  });

  it('fail/init --config with an invalid mesh file lists every issue (CONFIG_INVALID, exit 1)', () => {
    const file = join(tmp.dir, 'bad.yaml');
    writeFileSync(
      file,
      'trustDomain: example.test\ntypes:\n  web: { dials: [api] }\n  api: { accepts: [], leafTtl: 3 parsecs }\n  admin: {}\n',
    );
    const r = cli(['init', '--dir', join(tmp.dir, 'n2'), '--config', file, '--insecure-plaintext-keys']);
    expect(r.code).toBe(1);
    expect(errorCode(r.stderr)).toBe('CONFIG_INVALID');
    const line = r.stderr.trim().split('\n').pop() as string;
    for (const path of ['types.web.dials', 'types.api.leafTtl', 'types.admin']) expect(line).toContain(path);
    expect(existsSync(join(tmp.dir, 'n2'))).toBe(false);
  });

  it('fail/--config together with --types; missing config file', () => {
    const a = cli([
      'init',
      '--dir',
      join(tmp.dir, 'n3'),
      '--config',
      'x.yaml',
      '--types',
      'a',
      '--insecure-plaintext-keys',
    ]);
    expect([a.code, errorCode(a.stderr)]).toEqual([2, 'CONFIG_INVALID']);
    const b = cli([
      'init',
      '--dir',
      join(tmp.dir, 'n3'),
      '--config',
      join(tmp.dir, 'nope.yaml'),
      '--insecure-plaintext-keys',
    ]);
    expect([b.code, errorCode(b.stderr)]).toEqual([1, 'FILE_NOT_FOUND']);
  });
});

describe('unknown type in any command: TYPE_UNKNOWN', () => {
  it.each([
    [['ca', 'create', 'nosuch']],
    [['ca', 'export', 'nosuch']],
    [['ca', 'export', 'nosuch', '--root']],
    [['token', 'create', '--type', 'nosuch']],
    [['token', 'create', '--type', 'platform']],
  ])('fail/%j', (args) => {
    const before = snapshot(state);
    const r = cli([...args, '--dir', state]);
    expect([r.code, errorCode(r.stderr)]).toEqual([1, 'TYPE_UNKNOWN']);
    const after = snapshot(state);
    expect(Object.keys(after).filter((k) => k.endsWith('.key'))).toEqual(
      Object.keys(before).filter((k) => k.endsWith('.key')),
    );
  });
});

describe('state directory errors', () => {
  it('fail/NOT_INITIALIZED for every state command on an empty dir', () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    for (const args of [
      ['ca', 'list'],
      ['ca', 'export', 'api'],
      ['token', 'list'],
      ['audit', 'verify'],
      ['ca', 'create', 'api'],
    ]) {
      const r = cli([...args, '--dir', empty]);
      expect([args.join(' '), r.code, errorCode(r.stderr)]).toEqual([args.join(' '), 1, 'NOT_INITIALIZED']);
    }
  });

  it('fail/DIR_NOT_EMPTY: init refuses a directory with foreign files and leaves them alone', () => {
    const d = join(tmp.dir, 'foreign');
    mkdirSync(d);
    writeFileSync(join(d, 'notes.txt'), 'mine');
    const r = cli([
      'init',
      '--dir',
      d,
      '--trust-domain',
      'example.test',
      '--types',
      'api',
      '--insecure-plaintext-keys',
    ]);
    expect([r.code, errorCode(r.stderr)]).toEqual([1, 'DIR_NOT_EMPTY']);
    expect(readdirSync(d)).toEqual(['notes.txt']);
  });

  it('fail/a corrupted DB file: DB_CORRUPT; a foreign SQLite DB: DB_FOREIGN', () => {
    const d = join(tmp.dir, 'corrupt');
    const init = cli([
      'init',
      '--dir',
      d,
      '--trust-domain',
      'example.test',
      '--types',
      'api',
      '--insecure-plaintext-keys',
    ]);
    expect(init.code).toBe(0);
    writeFileSync(join(d, LAYOUT.db), Buffer.alloc(8192, 0x5a));
    const r = cli(['ca', 'list', '--dir', d]);
    expect([r.code, errorCode(r.stderr)]).toEqual([1, 'DB_CORRUPT']);

    rmSync(join(d, LAYOUT.db));
    const db = new Database(join(d, LAYOUT.db));
    db.exec("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO recipes (name) VALUES ('soup');");
    db.close();
    const f = cli(['ca', 'list', '--dir', d]);
    expect([f.code, errorCode(f.stderr)]).toEqual([1, 'DB_FOREIGN']);
  });
});
