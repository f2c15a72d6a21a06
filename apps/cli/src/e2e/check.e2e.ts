/**
 * `trustmesh signer ... --check` and `trustmesh sidecar --config F --check` through the real bin,
 * on a state directory made by `trustmesh init`: exit codes, the one line on stdout when all is
 * well, one `<where>: <CODE>: <message>` line per problem otherwise, and no file of the state
 * directory changed (SQLite's `-wal`/`-shm` side files of a read-only open aside).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnv, cli, snapshot, tempDir } from './harness';

/** The state files, without the side files SQLite may create for any reader. */
function stateFiles(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshot(dir)).filter(([name]) => !/-(wal|shm)$/.test(name)));
}

/** `[where, CODE]` of every stderr line, after checking each starts with `head`. */
function problems(stderr: string, head: string): [string, string][] {
  return stderr
    .trim()
    .split('\n')
    .map((line) => {
      expect(line.startsWith(`${head}: `)).toBe(true);
      const [where, code] = line.slice(head.length + 2).split(': ');
      return [where ?? '', code ?? ''];
    });
}

describe('--check through the trustmesh bin (child processes)', () => {
  const { dir, cleanup } = tempDir('tm-cli-check-');
  const state = join(dir, 'state');
  afterAll(cleanup);

  beforeAll(() => {
    writeFileSync(
      join(dir, 'trustmesh.yaml'),
      'trustDomain: example.test\ntypes:\n  api: { dials: [db] }\n  db: { accepts: [api] }\n',
    );
    expect(cli(['init', '--dir', state, '--config', join(dir, 'trustmesh.yaml')]).code).toBe(0);
  }, 60_000);

  it('ok/signer: a good state exits 0 with one line; nothing in the state directory changes', () => {
    const before = stateFiles(state);
    const r = cli(['signer', '--dir', state, '--listen', '127.0.0.1:7443', '--check']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      `signer state ${state}: ok (trust domain example.test, 3 issuing CA keys unlocked (api, db, platform), serving certificate minted; ` +
        '--listen 127.0.0.1:7443 not bound (ports are not checked))\n',
    );
    expect(stateFiles(state)).toEqual(before);
  });

  it('fail/signer: a wrong passphrase names every key it does not unlock (exit 1)', () => {
    const r = cli(
      ['signer', '--dir', state, '--listen', '127.0.0.1:7443', '--check'],
      baseEnv({ TRUSTMESH_PASSPHRASE: 'not the passphrase' }),
    );
    expect(r.code).toBe(1);
    const found = problems(r.stderr, `signer state ${state}`);
    expect(found.map(([, code]) => code)).toEqual([
      'KEY_PASSPHRASE_WRONG',
      'KEY_PASSPHRASE_WRONG',
      'KEY_PASSPHRASE_WRONG',
    ]);
    expect(found.map(([where]) => where.replace(/^keys\/[0-9a-f]+\.key /, '')).sort()).toEqual([
      '(api intermediate)',
      '(db intermediate)',
      '(platform intermediate)',
    ]);
  });

  it('fail/signer: bad flags and a directory that is not initialized are listed together (exit 1)', () => {
    const missing = join(dir, 'missing');
    const r = cli(['signer', '--dir', missing, '--listen', 'nohostport', '--workers', '99', '--check']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: '' });
    expect(problems(r.stderr, `signer state ${missing}`)).toEqual([
      ['--listen', 'ARGS_INVALID'],
      ['--workers', 'ARGS_INVALID'],
      ['--dir', 'NOT_INITIALIZED'],
    ]);
  });

  it('ok/sidecar: a good config exits 0 with one line; fail/a config with several problems lists each (exit 1)', () => {
    writeFileSync(join(dir, 'signer-ca.pem'), cli(['ca', 'export', 'platform', '--root', '--dir', state]).stdout);
    const tok = cli(['token', 'create', '--type', 'db', '--instance', 'db-1', '--dir', state]);
    expect(tok.code).toBe(0);
    writeFileSync(join(dir, 'db.token'), tok.stdout);
    const config = (instanceId: string, tokenFile: string) =>
      [
        'serviceType: db',
        `instanceId: ${instanceId}`,
        `signer: { address: "127.0.0.1:7443", caFile: ${join(dir, 'signer-ca.pem')}, tokenFile: ${tokenFile} }`,
        'inbound:',
        '  - { name: pg, listen: "127.0.0.1:15002", forward: "127.0.0.1:5432", accept: [api] }',
        'outbound:',
        '  - { name: cache, listen: "127.0.0.1:16002", connect: "127.0.0.1:15003", peerType: cache }',
        'admin: { listen: "127.0.0.1:15902" }',
        '',
      ].join('\n');

    const good = join(dir, 'good.yaml');
    writeFileSync(good, config('db-1', join(dir, 'db.token')));
    const ok = cli(['sidecar', '--config', good, '--check']);
    expect(ok).toEqual({
      code: 0,
      stdout: `sidecar config ${good}: ok (type db, instance db-1, 1 inbound, 1 outbound route)\n`,
      stderr: '',
    });

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, config('db_1', join(dir, 'no.token')).replace('accept: [api]', 'accept: [api], acept: [x]'));
    const r = cli(['sidecar', '--config', bad, '--check']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: '' });
    expect(problems(r.stderr, `sidecar config ${bad}`)).toEqual([
      ['instanceId', 'INSTANCE_ID_INVALID'],
      ['inbound[0].acept', 'UNKNOWN_FIELD'],
      ['signer.tokenFile', 'TOKEN_UNREADABLE'],
    ]);
  });

  it('fail/sidecar: an unreadable config file (exit 1, CONFIG_UNREADABLE on --config)', () => {
    const path = join(dir, 'nope.yaml');
    const r = cli(['sidecar', '--config', path, '--check']);
    expect({ code: r.code, problems: problems(r.stderr, `sidecar config ${path}`) }).toEqual({
      code: 1,
      problems: [['--config', 'CONFIG_UNREADABLE']],
    });
  });
});
