/**
 * The edge, in process: argument parsing, config validation (every bad field in one error),
 * help on every command, and the one-line error format with its exit code.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaError } from '@trustmesh/ca';
import { describeError, CliError } from './cli-error';
import { COMMANDS } from './commands';
import { COMMON_OPTIONS, buildConfig } from './config';
import { runCli } from './run';

interface Captured {
  code: number;
  out: string;
  err: string;
}
async function run(argv: string[], env: Record<string, string> = {}): Promise<Captured> {
  let out = '';
  let err = '';
  const code = await runCli(argv, env, new Date('2026-11-24T00:00:00Z'), {
    out: (t) => {
      out += t + '\n';
    },
    err: (t) => {
      err += t + '\n';
    },
  });
  return { code, out, err };
}
const lastLine = (s: string): string => s.trim().split('\n').pop() as string;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tm-run-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('usage errors: exit 2, one line with the reason code', () => {
  const cases: { name: string; argv: string[]; env?: Record<string, string>; want: string; mentions: string[] }[] = [
    { name: 'no command', argv: [], want: 'USAGE', mentions: ['no command given'] },
    { name: 'unknown command', argv: ['frobnicate'], want: 'USAGE', mentions: ["unknown command 'frobnicate'"] },
    {
      name: 'unknown subcommand',
      argv: ['ca', 'frobnicate'],
      want: 'USAGE',
      mentions: ["unknown command 'ca frobnicate'"],
    },
    {
      name: 'group alone',
      argv: ['token'],
      want: 'USAGE',
      mentions: ["'token' needs a subcommand (create, list, revoke)"],
    },
    {
      name: 'help for an unknown command',
      argv: ['help', 'nope'],
      want: 'USAGE',
      mentions: ["unknown command 'nope'"],
    },
    {
      name: 'unknown option',
      argv: ['ca', 'list', '--colour'],
      want: 'USAGE',
      mentions: ["Unknown option '--colour'"],
    },
    {
      name: 'option of another command',
      argv: ['ca', 'list', '--passphrase-file', 'x'],
      want: 'USAGE',
      mentions: ['--passphrase-file'],
    },
    { name: 'missing value', argv: ['token', 'create', '--type'], want: 'USAGE', mentions: ['--type'] },
    { name: 'missing positional', argv: ['ca', 'create'], want: 'USAGE', mentions: ['missing argument <type>'] },
    {
      name: 'extra positional',
      argv: ['ca', 'list', 'extra'],
      want: 'USAGE',
      mentions: ["unexpected argument 'extra'"],
    },
    {
      name: 'repeated option',
      argv: ['ca', 'list', '--dir', 'a', '--dir', 'b'],
      want: 'USAGE',
      mentions: ['--dir given more than once'],
    },
    {
      name: '--root with --chain',
      argv: ['ca', 'export', 'api', '--root', '--chain'],
      want: 'CONFIG_INVALID',
      mentions: ['--root: cannot be combined with --chain'],
    },
    { name: 'token without --type', argv: ['token', 'create'], want: 'CONFIG_INVALID', mentions: ['--type: required'] },
    {
      name: 'token ttl and instance, both listed',
      argv: ['token', 'create', '--type', 'api', '--ttl', '30d', '--instance', '../x'],
      want: 'CONFIG_INVALID',
      mentions: ['--ttl:', '--instance:'],
    },
    {
      name: 'token for a bad type name and an instance id the signer refuses',
      argv: ['token', 'create', '--type', 'Api', '--instance', 'db_1'],
      want: 'CONFIG_INVALID',
      mentions: ['--type: TYPE_NAME_INVALID: ', '--instance: INSTANCE_ID_INVALID: '],
    },
    {
      name: 'token ttl with a sub-second part',
      argv: ['token', 'create', '--type', 'api', '--ttl', '90500ms'],
      want: 'CONFIG_INVALID',
      mentions: ["--ttl: '90500ms'"],
    },
    {
      name: 'status --since in another dialect',
      argv: ['status', '--since', '1h30m'],
      want: 'CONFIG_INVALID',
      mentions: ["--since: '1h30m'"],
    },
    {
      name: 'ca rotate --window with an upper-case unit',
      argv: ['ca', 'rotate', 'api', '--root', '--phase', 'activate', '--window', '10M'],
      want: 'CONFIG_INVALID',
      mentions: ["--window: '10M'"],
    },
    {
      name: '--flag=value for a boolean',
      argv: ['ca', 'list', '--json=yes'],
      want: 'USAGE',
      mentions: ["Option '--json' does not take an argument"],
    },
    {
      name: 'bad token id',
      argv: ['token', 'revoke', 'XYZ'],
      want: 'CONFIG_INVALID',
      mentions: ['<id>: a token id is 16 hex characters'],
    },
    {
      name: 'bad TRUSTMESH_KDF',
      argv: ['ca', 'list'],
      env: { TRUSTMESH_KDF: 'slow' },
      want: 'CONFIG_INVALID',
      mentions: ['TRUSTMESH_KDF'],
    },
    {
      name: 'empty --dir',
      argv: ['ca', 'list', '--dir', ''],
      want: 'CONFIG_INVALID',
      mentions: ['--dir: must not be empty'],
    },
    {
      name: 'init: nothing to build from, no passphrase',
      argv: ['init', '--dir', 'x'],
      want: 'CONFIG_INVALID',
      mentions: [
        '--config: give --config FILE or --trust-domain TD --types a,b',
        '--passphrase-file: a passphrase is required',
      ],
    },
    {
      name: 'init: --trust-domain without --types',
      argv: ['init', '--trust-domain', 'example.test', '--insecure-plaintext-keys'],
      want: 'CONFIG_INVALID',
      mentions: ['--types: required with --trust-domain'],
    },
    {
      name: 'init: --config with --types',
      argv: ['init', '--config', 'm.yaml', '--types', 'a', '--insecure-plaintext-keys'],
      want: 'CONFIG_INVALID',
      mentions: ['--config: cannot be combined'],
    },
    {
      name: 'init: every bad field at once',
      argv: ['init', '--trust-domain', 'Bad Domain', '--types', 'API,platform,,ok'],
      env: { TRUSTMESH_KDF: 'x' },
      want: 'CONFIG_INVALID',
      mentions: ['TRUSTMESH_KDF', '--passphrase-file', '--types: empty type name'],
    },
    {
      name: 'init: bad names reported by policy',
      argv: ['init', '--trust-domain', 'Bad Domain', '--types', 'API,platform', '--insecure-plaintext-keys'],
      want: 'CONFIG_INVALID',
      mentions: ['--trust-domain', 'types.API', 'types.platform'],
    },
    {
      name: 'init: short passphrase from the environment',
      argv: ['init', '--trust-domain', 'example.test', '--types', 'api'],
      env: { TRUSTMESH_PASSPHRASE: 'short' },
      want: 'CONFIG_INVALID',
      mentions: ['--passphrase-file: the passphrase must have at least 8 characters'],
    },
    {
      name: 'unreadable passphrase file',
      argv: ['init', '--trust-domain', 'example.test', '--types', 'api', '--passphrase-file', '/nonexistent/p'],
      want: 'CONFIG_INVALID',
      mentions: ['--passphrase-file: cannot read (ENOENT)'],
    },
  ];
  it.each(cases)('fail/$name', async ({ argv, env, want, mentions }) => {
    const r = await run(argv, env);
    expect(r.code).toBe(2);
    const line = lastLine(r.err);
    expect(line.startsWith(`trustmesh: ${want}: `)).toBe(true);
    for (const m of mentions) expect(line).toContain(m);
    expect(r.out).toBe('');
  });

  it('fail/an empty first line in the passphrase file', async () => {
    const p = join(tmp, 'empty-pass');
    writeFileSync(p, '\nsecond line\n');
    const r = await run(['init', '--trust-domain', 'example.test', '--types', 'api', '--passphrase-file', p]);
    expect([r.code, lastLine(r.err)]).toEqual([
      2,
      'trustmesh: CONFIG_INVALID: invalid configuration: --passphrase-file: first line is empty',
    ]);
  });
});

describe('--help', () => {
  it.each(COMMANDS.map((c) => ({ path: c.path.join(' '), argv: [...c.path, '--help'] })))(
    'ok/$path --help',
    async ({ path, argv }) => {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`usage: trustmesh ${path}`);
      expect(r.out).toContain('--help');
      expect(r.err).toBe('');
    },
  );

  it.each([[['--help']], [['help']], [['help', 'token']], [['ca', '--help']], [['token', '-h']], [['cert', '--help']]])(
    'ok/group help %j',
    async (argv) => {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/usage: trustmesh/);
    },
  );
});

describe('describeError', () => {
  it.each([
    {
      name: 'cli error keeps its exit code',
      err: new CliError('USAGE', 'x'),
      line: 'trustmesh: USAGE: invalid command line: x',
      exit: 2,
    },
    {
      name: 'a CA lifecycle error keeps its code and detail, exit 1',
      err: new CaError('TYPE_UNKNOWN', "'x' is not in the mesh config (known: api)"),
      line: "trustmesh: TYPE_UNKNOWN: unknown service type: 'x' is not in the mesh config (known: api)",
      exit: 1,
    },
    {
      name: 'CONFIG_INVALID from the CA lifecycle is a failure (exit 1), not a usage error',
      err: new CaError('CONFIG_INVALID', 'drops db'),
      line: 'trustmesh: CONFIG_INVALID: invalid configuration: drops db',
      exit: 1,
    },
    {
      name: 'library error with a code and detail',
      err: Object.assign(new Error('key file not found'), { code: 'KEY_NOT_FOUND', detail: '/k' }),
      line: 'trustmesh: KEY_NOT_FOUND: key file not found (/k)',
      exit: 1,
    },
    {
      name: 'issues are appended once',
      err: Object.assign(new Error('bad config'), { code: 'CONFIG_INVALID', issues: [{ path: 'a.b', message: 'no' }] }),
      line: 'trustmesh: CONFIG_INVALID: bad config: a.b: no',
      exit: 1,
    },
    {
      name: 'multi-line message becomes one line',
      err: Object.assign(new Error('one\n  two'), { code: 'DB_ERROR' }),
      line: 'trustmesh: DB_ERROR: one two',
      exit: 1,
    },
    {
      name: 'an error without a code is INTERNAL',
      err: new TypeError('boom'),
      line: 'trustmesh: INTERNAL: boom',
      exit: 1,
    },
    {
      name: 'a lowercase code is not trusted',
      err: Object.assign(new Error('enoent'), { code: 'ENOENT' }),
      line: 'trustmesh: ENOENT: enoent',
      exit: 1,
    },
  ])('ok/$name', ({ err, line, exit }) => {
    expect(describeError(err)).toEqual({ line, exitCode: exit });
  });
});

describe('buildConfig', () => {
  it('ok/the config is deep-frozen and read once from argv and env', () => {
    const spec = {
      positionals: [],
      options: { dir: COMMON_OPTIONS.dir, 'passphrase-file': COMMON_OPTIONS['passphrase-file'] },
    };
    const now = new Date('2026-11-24T00:00:00Z');
    const cfg = buildConfig(
      spec,
      { values: { dir: 'rel/state' }, positionals: [] },
      { TRUSTMESH_PASSPHRASE: 'from the env 123', TRUSTMESH_KDF: 'fast' },
      now,
      () => ({ nested: { list: [1] } }),
    );
    expect(cfg).toMatchObject({
      dir: join(process.cwd(), 'rel/state'),
      passphrase: 'from the env 123',
      kdf: { N: 1024 },
      now,
    });
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(Object.isFrozen(cfg.options.nested.list)).toBe(true);
    expect(Object.isFrozen(cfg.warnings)).toBe(true);
    expect(cfg.warnings).toEqual(['TRUSTMESH_KDF=fast: key files get a weak KDF (scrypt N=2^10); tests only']);
  });

  it('ok/--passphrase-file wins over the environment; only its first line counts', () => {
    const p = join(tmp, 'pass');
    writeFileSync(p, 'from the file 123\r\nignored\n');
    const spec = { positionals: [], options: { 'passphrase-file': COMMON_OPTIONS['passphrase-file'] } };
    const cfg = buildConfig(
      spec,
      { values: { 'passphrase-file': p }, positionals: [] },
      { TRUSTMESH_PASSPHRASE: 'from the env 123' },
      new Date(0),
      () => ({}),
    );
    expect(cfg.passphrase).toBe('from the file 123');
  });

  it('ok/commands without --passphrase-file never see TRUSTMESH_PASSPHRASE', () => {
    const cfg = buildConfig(
      { positionals: [], options: {} },
      { values: {}, positionals: [] },
      { TRUSTMESH_PASSPHRASE: 'from the env 123' },
      new Date(0),
      () => ({}),
    );
    expect(cfg.passphrase).toBeUndefined();
  });
});
