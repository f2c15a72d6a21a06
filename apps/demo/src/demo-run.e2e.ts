/**
 * `npm start -- --duration 15` as a user runs it: tools/scripts/start.js → apps/demo/bin/demo.js,
 * unattended, into a temp state directory. It exits 0 with a summary reporting zero failed
 * requests and refused web → db attempts, and leaves no process behind. SIGINT stops it early
 * with exit 0. Bad arguments are usage errors (exit 2) with a reason code.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './mesh';

jest.setTimeout(60_000);

const START = join(REPO_ROOT, 'tools/scripts/start.js');

interface Run {
  code: number | null;
  out: string;
  pid: number;
}

function startDemo(args: string[], onOut?: (text: string, kill: () => void) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [START, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 55_000);
    const collect = (d: Buffer): void => {
      out += d.toString();
      onOut?.(out, () => child.kill('SIGINT'));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, pid: child.pid ?? 0 });
    });
  });
}

/** Processes whose command line mentions `needle` (the demo dir is unique per test). */
function processesWith(needle: string): string[] {
  const r = spawnSync('pgrep', ['-af', needle], { encoding: 'utf8' });
  return (r.stdout ?? '').split('\n').filter((l) => l.trim() !== '' && !l.includes('pgrep'));
}

describe('npm start (tools/scripts/start.js → apps/demo/bin/demo.js)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tm-demo-run-'));
  });
  afterEach(() => {
    for (const line of processesWith(dir)) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok/--duration 15 runs unattended and exits 0 with a summary: zero failed, web → db refused', async () => {
    const r = await startDemo(['--duration', '15', '--dir', join(dir, 'demo')]);
    expect(r.out).toContain('DEV: development keys');
    expect(r.code).toBe(0);
    const ok = /chain requests \(client → web → api → db\): ([\d,]+) ok, (\d+) failed/.exec(r.out);
    expect(Number((ok?.[1] ?? '0').replace(/,/g, ''))).toBeGreaterThan(1000);
    expect(ok?.[2]).toBe('0');
    expect(r.out).toMatch(/web → db attempts: [1-9]\d* refused, 0 got through, 0 errors/);
    expect(r.out).toMatch(/refusals counted by db's sidecar: CERT_UNTRUSTED ×\d+/);
    expect(r.out).toContain('result: OK (exit 0)');
    expect(r.out).not.toContain('did not exit 0');
    expect(processesWith(dir)).toEqual([]);
  });

  it('ok/SIGINT (Ctrl-C) once traffic flows: every child stopped, exit 0', async () => {
    let sent = false;
    const r = await startDemo(['--dir', join(dir, 'demo'), '--plain'], (out, kill) => {
      if (!sent && /chain ok=[1-9]/.test(out)) {
        sent = true;
        kill();
      }
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(0);
    expect(r.out).toContain('TrustMesh demo summary (interrupted');
    expect(r.out).toContain('0 failed');
    expect(processesWith(dir)).toEqual([]);
  });

  it('fail/--rotate db with a --duration too short for the rotation: summary says INCOMPLETE, exit 1', async () => {
    const r = await startDemo(['--rotate', 'db', '--duration', '4', '--dir', join(dir, 'demo')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/rotation: INCOMPLETE, stopped during: waiting 10s of steady traffic/);
    expect(r.out).toContain('result: FAILED (exit 1)');
    expect(processesWith(dir)).toEqual([]);
  });

  it.each([
    { name: 'fail/unknown flag', args: ['--bogus'], detail: "Unknown option '--bogus'" },
    {
      name: 'fail/--duration out of range',
      args: ['--duration', '0'],
      detail: '--duration must be a whole number from 1 to 3600',
    },
    { name: 'fail/--rate without a value', args: ['--rate'], detail: "Option '--rate <value>' argument missing" },
  ])('$name: ARGS_INVALID, exit 2', async ({ args, detail }) => {
    const r = await startDemo(args);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`trustmesh: ARGS_INVALID: invalid demo arguments (${detail})`);
  });

  it('fail/a --dir the demo did not make is never wiped: STATE_DIR_FOREIGN, exit 1, file kept', async () => {
    writeFileSync(join(dir, 'precious.txt'), 'keep me');
    const r = await startDemo(['--duration', '5', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('trustmesh: STATE_DIR_FOREIGN:');
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});
