import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { status } from '@grpc/grpc-js';
import { LAYOUT, META } from '@trustmesh/ca';
import { openSqliteStore } from '@trustmesh/store';
import { runSignerCommand } from './index';
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

// Argument parsing and the early exits: command.spec.ts.
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
        [
          '--dir',
          dir,
          '--listen',
          '127.0.0.1:0',
          '--admin-listen',
          '127.0.0.1:0',
          '--san',
          'signer.example.test',
          '--passphrase-file',
          passFile,
          '--poll-ms',
          '100',
        ],
        {},
        {
          io: { out: (t) => out.push(t), err: (t) => err.push(t) },
          signal: stop.signal,
          onListening: (p) => ((ports = p), ok()),
        },
      );
      exited = done;
    });
    let startTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      listening,
      new Promise(
        (_r, rej) => (startTimer = setTimeout(() => rej(new Error(`did not start: ${err.join('')}`)), 20_000)),
      ),
    ]);
    clearTimeout(startTimer);
    expect(out.join('')).toMatch(/^signer listening on 127\.0\.0\.1:\d+, admin on 127\.0\.0\.1:\d+/);

    const rootPem = readFileSync(join(dir, LAYOUT.platformRoot), 'utf8');
    const c = connect(ports!.port, rootPem);
    try {
      const secret = (await trustmesh(['token', 'create', '--dir', dir, '--type', 'api', '--instance', 'i-1'])).trim();
      const res = await sign(c.ca, {
        csr: makeCsr().csr,
        serviceType: 'api',
        instanceId: 'i-1',
        bootstrapToken: secret,
      });
      if (isFailure(res)) throw new Error(`sign failed: ${res.reason}`);
      expect(new X509Certificate(res.chain[0] as Buffer).subjectAltName).toContain('URI:spiffe://example.test/api/i-1');

      const again = (await sign(c.ca, {
        csr: makeCsr().csr,
        serviceType: 'api',
        instanceId: 'i-1',
        bootstrapToken: secret,
      })) as CallFailure;
      expect({ code: again.code, reason: again.reason }).toEqual({
        code: status.UNAUTHENTICATED,
        reason: 'TOKEN_USED',
      });

      const before = (await getBundle(c.ca, { serviceTypes: [] })) as TrustBundle;
      const other = await openSqliteStore(join(dir, LAYOUT.db));
      await other.setMeta(META.bundleVersion, String(before.version + 1));
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
});

describe('the signer as a real process (apps/signer/bin/signer.ts)', () => {
  it('ok/starts on a test state with a CPU worker thread, is ready on the admin port, stops on SIGTERM with exit 0', async () => {
    const state = await createTestState({ now: new Date() });
    const child = spawn(
      process.execPath,
      [
        'tools/scripts/run-ts.js',
        'apps/signer/bin/signer.ts',
        '--dir',
        state.dir,
        '--listen',
        '127.0.0.1:0',
        '--admin-listen',
        '127.0.0.1:0',
        '--workers',
        '1',
      ],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', TRUSTMESH_PASSPHRASE: TEST_PASSPHRASE },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const deadline = Date.now() + 20_000;
      while (!/admin on 127\.0\.0\.1:\d+/.test(out) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
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
