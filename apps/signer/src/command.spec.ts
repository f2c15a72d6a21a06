import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSignerCommand, parseSignerArgs, DEFAULT_SIGNER_OPTIONS, SignerError } from './index';

// The command serving a state made by the real `trustmesh` CLI, and the signer as a real process:
// command.child.e2e.ts.
describe('runSignerCommand on a state directory made by `trustmesh init`', () => {
  const base = mkdtempSync(join(tmpdir(), 'tm-signer-cmd-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('fail/a directory without a store exits 1 with STATE_INVALID', async () => {
    const err: string[] = [];
    const code = await runSignerCommand(
      ['--dir', join(base, 'missing'), '--listen', '127.0.0.1:0'],
      {},
      { io: { out: () => undefined, err: (t) => err.push(t) } },
    );
    expect(code).toBe(1);
    expect(err.join('')).toContain('STATE_INVALID');
  });

  it('fail/bad arguments exit 2', async () => {
    const err: string[] = [];
    const code = await runSignerCommand(['--dir', base], {}, { io: { out: () => undefined, err: (t) => err.push(t) } });
    expect(code).toBe(2);
    expect(err.join('')).toContain('--listen is required');
  });
});

describe('parseSignerArgs', () => {
  it('ok/flags, repeated --san split into DNS and IP, passphrase from env', () => {
    const c = parseSignerArgs(
      [
        '--dir',
        'D',
        '--listen=[::1]:7000',
        '--admin-listen',
        '127.0.0.1:0',
        '--san',
        'a.example',
        '--san',
        '10.0.0.1',
        '--rate-per-identity',
        '4',
      ],
      { TRUSTMESH_PASSPHRASE: 'p' },
    );
    expect(c).toMatchObject({
      dir: 'D',
      listen: { host: '::1', port: 7000 },
      adminListen: { host: '127.0.0.1', port: 0 },
      passphrase: 'p',
    });
    expect(c.options.servingSans).toEqual({ dns: ['a.example'], ips: ['10.0.0.1'] });
    expect(c.options.rateLimits.perIdentity).toEqual({ perSecond: 4, burst: 2 });
    expect(c.storeSync).toBe('full');
    expect(parseSignerArgs(['--dir', 'D', '--listen', 'h:1', '--store-sync', 'normal'], {}).storeSync).toBe('normal');
    expect(c.options.cpuWorkers).toBe(DEFAULT_SIGNER_OPTIONS.cpuWorkers);
    expect(parseSignerArgs(['--dir', 'D', '--listen', 'h:1', '--workers', '0'], {}).options.cpuWorkers).toBe(0);
    expect(parseSignerArgs(['--dir', 'D', '--listen', 'h:1', '--workers', '3'], {}).options.cpuWorkers).toBe(3);
    expect(
      parseSignerArgs(['--dir', 'D', '--listen', 'h:1', '--san', 'Signer.Example', '--san=::1'], {}).options
        .servingSans,
    ).toEqual({ dns: ['signer.example'], ips: ['::1'] });
  });

  const bad: [string, string[]][] = [
    ['fail/unknown flag', ['--dir', 'D', '--listen', 'h:1', '--nope', 'x']],
    ['fail/missing --dir', ['--listen', 'h:1']],
    ['fail/bad listen', ['--dir', 'D', '--listen', 'nohostport']],
    ['fail/port out of range', ['--dir', 'D', '--listen', 'h:70000']],
    ['fail/bad san', ['--dir', 'D', '--listen', 'h:1', '--san', 'not a name']],
    ['fail/zero rate', ['--dir', 'D', '--listen', 'h:1', '--rate-overall', '0']],
    ['fail/flag without value', ['--dir', 'D', '--listen']],
    ['fail/duplicate --dir', ['--dir', 'D', '--dir', 'E', '--listen', 'h:1']],
    ['fail/unknown --store-sync', ['--dir', 'D', '--listen', 'h:1', '--store-sync', 'off']],
    ['fail/negative --workers', ['--dir', 'D', '--listen', 'h:1', '--workers', '-1']],
    ['fail/fractional --workers', ['--dir', 'D', '--listen', 'h:1', '--workers', '1.5']],
    ['fail/too many --workers', ['--dir', 'D', '--listen', 'h:1', '--workers', '17']],
    ['fail/--san with an underscore (not a DNS name)', ['--dir', 'D', '--listen', 'h:1', '--san', 'db_1.example']],
    ['fail/--san of dotted numbers that is no IPv4 address', ['--dir', 'D', '--listen', 'h:1', '--san', '1.2.3.04']],
    ['fail/unbracketed IPv6 listen address', ['--dir', 'D', '--listen', '::1:7000']],
    ['fail/underscore in the listen host', ['--dir', 'D', '--listen', 'a_b:80']],
    ['fail/empty --dir=', ['--dir=', '--listen', 'h:1']],
    ['fail/a positional argument', ['--dir', 'D', '--listen', 'h:1', 'extra']],
  ];
  it.each(bad)('%s', (_n, argv) => {
    let caught: unknown;
    try {
      parseSignerArgs(argv, {});
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SignerError);
    expect((caught as SignerError).code).toBe('ARGS_INVALID');
  });
});
