import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { status } from '@grpc/grpc-js';
import { openSqliteStore } from '@trustmesh/store';
import { runSignerCommand, parseSignerArgs, DEFAULT_SIGNER_OPTIONS, SignerError } from './index';
import { connect, getBundle, isFailure, makeCsr, sign, type CallFailure } from './testing/client';
import type { TrustBundle } from '@trustmesh/proto';
import { createTestState, TEST_PASSPHRASE } from './testing/state';

const execFileP = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');
const PASSPHRASE = 'signer command test passphrase';

/** Runs the real `trustmesh` CLI (another process, like an operator would). */
async function trustmesh(args: string[]): Promise<string> {
  const { stdout } = await execFileP(process.execPath, ['apps/cli/bin/trustmesh.js', ...args], {
    cwd: ROOT,
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? '', TRUSTMESH_PASSPHRASE: PASSPHRASE, TRUSTMESH_KDF: 'fast' },
  });
  return stdout;
}

describe('runSignerCommand on a state directory made by `trustmesh init`', () => {
  const base = mkdtempSync(join(tmpdir(), 'tm-signer-cmd-'));
  const dir = join(base, 'state');
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('ok/serves, issues for a token made by the CLI, sees a bundle bump from another connection, stops on abort', async () => {
    await trustmesh(['init', '--dir', dir, '--trust-domain', 'example.test', '--types', 'api,db']);
    const passFile = join(base, 'pass.txt');
    writeFileSync(passFile, `${PASSPHRASE}\n`);
    const out: string[] = [];
    const err: string[] = [];
    const stop = new AbortController();
    let ports: { port: number; adminPort?: number } | undefined;
    let exited: Promise<number> | undefined;
    const listening = new Promise<void>((ok) => {
      const done = runSignerCommand(
        ['--dir', dir, '--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--san', 'signer.example.test', '--passphrase-file', passFile, '--poll-ms', '100'],
        {},
        { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, signal: stop.signal, onListening: (p) => ((ports = p), ok()) },
      );
      exited = done;
    });
    let startTimer: NodeJS.Timeout | undefined;
    await Promise.race([listening, new Promise((_r, rej) => (startTimer = setTimeout(() => rej(new Error(`did not start: ${err.join('')}`)), 20_000)))]);
    clearTimeout(startTimer);
    expect(out.join('')).toMatch(/^signer listening on 127\.0\.0\.1:\d+, admin on 127\.0\.0\.1:\d+/);

    const rootPem = readFileSync(join(dir, 'platform-root.pem'), 'utf8');
    const c = connect(ports!.port, rootPem);
    try {
      const secret = (await trustmesh(['token', 'create', '--dir', dir, '--type', 'api', '--instance', 'i-1'])).trim();
      const res = await sign(c.ca, { csr: makeCsr().csr, serviceType: 'api', instanceId: 'i-1', bootstrapToken: secret });
      if (isFailure(res)) throw new Error(`sign failed: ${res.reason}`);
      expect(new X509Certificate(res.chain[0] as Buffer).subjectAltName).toContain('URI:spiffe://example.test/api/i-1');

      const again = (await sign(c.ca, { csr: makeCsr().csr, serviceType: 'api', instanceId: 'i-1', bootstrapToken: secret })) as CallFailure;
      expect({ code: again.code, reason: again.reason }).toEqual({ code: status.UNAUTHENTICATED, reason: 'TOKEN_USED' });

      const before = (await getBundle(c.ca, { serviceTypes: [] })) as TrustBundle;
      const other = await openSqliteStore(join(dir, 'trustmesh.db'));
      await other.setMeta('bundle_version', String(before.version + 1));
      await other.close();
      let after = before;
      for (let i = 0; i < 50 && after.version === before.version; i++) {
        await new Promise((r) => setTimeout(r, 50));
        after = (await getBundle(c.ca, { serviceTypes: [] })) as TrustBundle;
      }
      expect(after.version).toBe(before.version + 1);
      expect(after.types.map((t) => t.serviceType)).toEqual(['api', 'db', 'platform']);
    } finally {
      c.close();
    }
    stop.abort();
    expect(await exited).toBe(0);
    const audit = await trustmesh(['audit', 'verify', '--dir', dir]);
    expect(audit).toMatch(/audit log intact: \d+ records/);
  }, 60_000);

  it('fail/a directory without a store exits 1 with STATE_INVALID', async () => {
    const err: string[] = [];
    const code = await runSignerCommand(['--dir', join(base, 'missing'), '--listen', '127.0.0.1:0'], {}, { io: { out: () => undefined, err: (t) => err.push(t) } });
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

describe('the signer as a real process (apps/signer/bin/signer.ts)', () => {
  it('ok/starts on a test state with a CPU worker thread, is ready on the admin port, stops on SIGTERM with exit 0', async () => {
    const state = await createTestState({ now: new Date() });
    const child = spawn(process.execPath, ['tools/scripts/run-ts.js', 'apps/signer/bin/signer.ts', '--dir', state.dir, '--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--workers', '1'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', TRUSTMESH_PASSPHRASE: TEST_PASSPHRASE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const deadline = Date.now() + 20_000;
      while (!/admin on 127\.0\.0\.1:\d+/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const admin = /admin on 127\.0\.0\.1:(\d+)/.exec(out);
      expect(admin).not.toBeNull();
      expect((await fetch(`http://127.0.0.1:${admin![1]}/readyz`)).status).toBe(200);
      expect(err).toContain('cpu workers: 1 of 1 started');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await state.close();
    }
  }, 30_000);
});

describe('parseSignerArgs', () => {
  it('ok/flags, repeated --san split into DNS and IP, passphrase from env', () => {
    const c = parseSignerArgs(['--dir', 'D', '--listen=[::1]:7000', '--admin-listen', '127.0.0.1:0', '--san', 'a.example', '--san', '10.0.0.1', '--rate-per-identity', '4'], { TRUSTMESH_PASSPHRASE: 'p' });
    expect(c).toMatchObject({ dir: 'D', listen: { host: '::1', port: 7000 }, adminListen: { host: '127.0.0.1', port: 0 }, passphrase: 'p' });
    expect(c.options.servingSans).toEqual({ dns: ['a.example'], ips: ['10.0.0.1'] });
    expect(c.options.rateLimits.perIdentity).toEqual({ perSecond: 4, burst: 2 });
    expect(c.storeSync).toBe('full');
    expect(parseSignerArgs(['--dir', 'D', '--listen', 'h:1', '--store-sync', 'normal'], {}).storeSync).toBe('normal');
    expect(c.options.cpuWorkers).toBe(DEFAULT_SIGNER_OPTIONS.cpuWorkers);
    expect(parseSignerArgs(['--dir', 'D', '--listen', 'h:1', '--workers', '0'], {}).options.cpuWorkers).toBe(0);
    expect(parseSignerArgs(['--dir', 'D', '--listen', 'h:1', '--workers', '3'], {}).options.cpuWorkers).toBe(3);
    expect(parseSignerArgs(['--dir', 'D', '--listen', 'h:1', '--san', 'Signer.Example', '--san=::1'], {}).options.servingSans).toEqual({ dns: ['signer.example'], ips: ['::1'] });
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
