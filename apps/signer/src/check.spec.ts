/**
 * `trustmesh signer --check` in process, on test states built with the libraries: exit code and
 * the exact (where, code) of every reported problem. The real bin: apps/cli/src/e2e/check.e2e.ts.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyRefFor, LAYOUT, META, statePath } from '@trustmesh/ca';
import { runSignerCommand } from './index';
import { createTestState, TEST_PASSPHRASE, type TestState } from './testing/state';

const LISTEN = ['--listen', '127.0.0.1:7443'];
const ENV = { TRUSTMESH_PASSPHRASE: TEST_PASSPHRASE };

interface Outcome {
  code: number;
  out: string;
  /** `[where, CODE]` of every problem line, in order. */
  problems: [string, string][];
  err: string;
}

async function check(argv: string[], env: Record<string, string> = ENV, now = new Date()): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSignerCommand([...argv, '--check'], env, {
    io: { out: (t) => out.push(t), err: (t) => err.push(t) },
    now,
  });
  const dir = argv[argv.indexOf('--dir') + 1];
  const head = argv.includes('--dir') ? `signer state ${dir}: ` : 'signer: ';
  const lines = err.join('').split('\n').filter(Boolean);
  const problems = lines.map((l) => {
    expect(l.startsWith(head)).toBe(true);
    const [where, reason] = l.slice(head.length).split(': ');
    return [where, reason] as [string, string];
  });
  return { code, out: out.join(''), problems, err: err.join('') };
}

/** SHA-256 of every file under `dir` but SQLite's shared-memory index (`-shm`), which any reader may touch. */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name.endsWith('-shm')) continue;
    const p = join(e.parentPath, e.name);
    out[p] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

describe('trustmesh signer --check', () => {
  let state: TestState | undefined;
  const base = mkdtempSync(join(tmpdir(), 'tm-signer-check-'));
  afterEach(async () => {
    await state?.close();
    state = undefined;
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const keyOf = (s: TestState, type: string) => keyRefFor('intermediate', s.cas[type]!.intermediate.id);

  it('ok/a good state: exit 0, one line saying what was checked, nothing written', async () => {
    state = await createTestState({ now: new Date() });
    const before = files(state.dir);
    const r = await check(['--dir', state.dir, ...LISTEN, '--admin-listen', '[::1]:0']);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.out).toBe(
      `signer state ${state.dir}: ok (trust domain example.test, 4 issuing CA keys unlocked (api, db, platform, web), serving certificate minted; ` +
        '--listen 127.0.0.1:7443, --admin-listen [::1]:0 not bound (ports are not checked))\n',
    );
    expect(files(state.dir)).toEqual(before);
    expect(await state.store.listIssued({ serviceType: 'platform' })).toEqual([]);
  });

  it.each<
    [
      string,
      (s: TestState) => Promise<{ argv?: string[]; env?: Record<string, string>; now?: Date }>,
      (s: TestState) => [string, string][],
    ]
  >([
    [
      'fail/wrong passphrase: every key it does not unlock',
      async () => ({ env: { TRUSTMESH_PASSPHRASE: 'not the passphrase' } }),
      (s) =>
        ['platform', 'web', 'api', 'db']
          .map((t) => [`${keyOf(s, t)} (${t} intermediate)`, 'KEY_PASSPHRASE_WRONG'] as [string, string])
          .sort(([a], [b]) => (a < b ? -1 : 1)),
    ],
    [
      'fail/no passphrase for encrypted keys',
      async () => ({ env: {} }),
      (s) =>
        ['platform', 'web', 'api', 'db']
          .map((t) => [`${keyOf(s, t)} (${t} intermediate)`, 'KEY_PASSPHRASE_REQUIRED'] as [string, string])
          .sort(([a], [b]) => (a < b ? -1 : 1)),
    ],
    [
      'fail/a missing key file',
      async (s) => {
        rmSync(statePath(s.dir, keyOf(s, 'api')));
        return {};
      },
      (s) => [[`${keyOf(s, 'api')} (api intermediate)`, 'KEY_NOT_FOUND']],
    ],
    [
      'fail/the passphrase file cannot be read: no key is tried',
      async (s) => ({ argv: ['--passphrase-file', join(s.dir, 'nope.txt')] }),
      () => [['--passphrase-file', 'ARGS_INVALID']],
    ],
    [
      'fail/no active platform intermediate',
      async (s) => {
        await s.store.setCaState(s.cas.platform!.intermediate.id, 'standby');
        return {};
      },
      () => [['--dir', 'NO_ACTIVE_CA']],
    ],
    [
      'fail/the platform intermediate has expired at the clock of the check',
      async () => ({ now: new Date(Date.now() + 400 * 86_400_000) }),
      (s) => [[`serving certificate (platform intermediate ${s.cas.platform!.intermediate.id})`, 'VALIDITY_INVALID']],
    ],
    [
      'fail/the store names another trust domain than the mesh file',
      async (s) => {
        await s.store.setMeta(META.trustDomain, 'other.test');
        return {};
      },
      () => [['--dir', 'TRUST_DOMAIN_MISMATCH']],
    ],
    [
      'fail/an invalid mesh file',
      async (s) => {
        writeFileSync(statePath(s.dir, LAYOUT.mesh), 'types: 3\n');
        return {};
      },
      () => [['--dir', 'CONFIG_INVALID']],
    ],
    ['fail/bad --listen', async () => ({ argv: ['--listen', 'nohostport'] }), () => [['--listen', 'ARGS_INVALID']]],
    [
      'fail/invalid OTEL_* settings',
      async () => ({ env: { ...ENV, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } }),
      () => [['OTEL_*', 'OTEL_CONFIG_INVALID']],
    ],
  ])('%s', async (_name, setup, want) => {
    state = await createTestState({ now: new Date() });
    const o = await setup(state);
    const argv = ['--dir', state.dir, ...(o.argv?.includes('--listen') ? [] : LISTEN), ...(o.argv ?? [])];
    const r = await check(argv, o.env ?? ENV, o.now);
    expect({ code: r.code, out: r.out, problems: r.problems }).toEqual({ code: 1, out: '', problems: want(state) });
  });

  it('fail/not initialized: the directory has no store', async () => {
    const r = await check(['--dir', join(base, 'empty'), ...LISTEN]);
    expect({ code: r.code, problems: r.problems }).toEqual({ code: 1, problems: [['--dir', 'NOT_INITIALIZED']] });
    expect(r.err).toContain('not found: run trustmesh init --dir');
  });

  it('fail/a store file that is no database', async () => {
    const dir = join(base, 'corrupt');
    mkdirSync(dir);
    writeFileSync(statePath(dir, LAYOUT.mesh), 'trustDomain: example.test\ntypes:\n  api: {}\n');
    writeFileSync(statePath(dir, LAYOUT.db), Buffer.alloc(4096, 0x5a));
    const r = await check(['--dir', dir, ...LISTEN]);
    expect({ code: r.code, problems: r.problems }).toEqual({ code: 1, problems: [['--dir', 'DB_CORRUPT']] });
  });

  it('fail/several bad flags and a missing state directory are listed together', async () => {
    const dir = join(base, 'missing');
    const r = await check([
      '--dir',
      dir,
      '--listen',
      'a_b:80',
      '--workers',
      '99',
      '--store-sync',
      'off',
      '--san',
      'not a name',
      '--rate-overall',
      '0',
    ]);
    expect({ code: r.code, problems: r.problems }).toEqual({
      code: 1,
      problems: [
        ['--listen', 'ARGS_INVALID'],
        ['--san', 'ARGS_INVALID'],
        ['--rate-overall', 'ARGS_INVALID'],
        ['--workers', 'ARGS_INVALID'],
        ['--store-sync', 'ARGS_INVALID'],
        ['--dir', 'NOT_INITIALIZED'],
      ],
    });
  });

  it('fail/a start refuses the same flags in one ARGS_INVALID line (exit 2), naming each', async () => {
    const err: string[] = [];
    const code = await runSignerCommand(
      ['--dir', base, '--listen', 'a_b:80', '--workers', '99'],
      {},
      { io: { out: () => undefined, err: (t) => err.push(t) } },
    );
    expect(code).toBe(2);
    expect(err.join('')).toMatch(
      /^trustmesh signer: ARGS_INVALID: invalid signer arguments: --listen a_b:80: expected HOST:PORT .*; --workers 99: expected an integer from 0 to 16\n$/,
    );
  });

  it.each([
    ['fail/an unknown flag', ['--dir', 'D', '--listen', 'h:1', '--bogus', '--check']],
    ['fail/--check given a value', ['--dir', 'D', '--listen', 'h:1', '--check=yes']],
  ])('%s is a usage error (exit 2)', async (_name, argv) => {
    const err: string[] = [];
    const code = await runSignerCommand(argv, ENV, { io: { out: () => undefined, err: (t) => err.push(t) } });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/^trustmesh signer: ARGS_INVALID: /);
  });
});
