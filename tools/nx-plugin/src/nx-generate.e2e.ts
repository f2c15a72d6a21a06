/**
 * The generators through the real `nx g` command, in a temporary copy of the workspace: copies of
 * what the generators read or write (root configs, trustmesh.yaml, tools/, libs/policy, deploy/),
 * symlinks to the other apps and libs (the generated e2e test runs the real CLI, signer and
 * sidecar from there) and to node_modules. Checks what `service-type` wrote, that the generated
 * project typechecks and `nx test payments` passes (unit tests and the mesh e2e), and that
 * `remove-service-type --force` restores trustmesh.yaml byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(90_000);

const ROOT = resolve(__dirname, '../../..');
const ENV = {
  ...process.env,
  CI: 'true',
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  NX_INTERACTIVE: 'false',
  NX_SKIP_NX_CACHE: 'true',
  FORCE_COLOR: '0',
  NO_COLOR: '1',
};

function copyWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tm-nx-plugin-'));
  for (const f of [
    'package.json',
    'nx.json',
    'tsconfig.base.json',
    'tsconfig.json',
    'jest.preset.cjs',
    'jest.unit-guard.cjs',
    'trustmesh.yaml',
    '.prettierrc.json',
    '.prettierignore',
  ]) {
    cpSync(join(ROOT, f), join(dir, f));
  }
  // Nested node_modules come along: they hold yaml 2 where the hoisted copy is yaml 1.
  cpSync(join(ROOT, 'tools'), join(dir, 'tools'), { recursive: true });
  mkdirSync(join(dir, 'libs'));
  mkdirSync(join(dir, 'apps'));
  cpSync(join(ROOT, 'libs/policy'), join(dir, 'libs/policy'), { recursive: true });
  for (const top of ['apps', 'libs']) {
    for (const name of readdirSync(join(ROOT, top))) {
      const rel = `${top}/${name}`;
      if (rel !== 'libs/policy' && rel !== 'apps/services') symlinkSync(join(ROOT, rel), join(dir, rel), 'dir');
    }
  }
  if (existsSync(join(ROOT, 'deploy'))) cpSync(join(ROOT, 'deploy'), join(dir, 'deploy'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function run(dir: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, args, { cwd: dir, env: ENV, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('nx g @trustmesh/nx-plugin (real command, workspace copy)', () => {
  let dir: string;
  let original: string;
  beforeAll(() => {
    dir = copyWorkspace();
    original = readFileSync(join(dir, 'trustmesh.yaml'), 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const nx = (...args: string[]) => run(dir, ['node_modules/nx/dist/bin/nx.js', ...args]);

  it('ok/--dry-run lists the changes and writes nothing', () => {
    const r = nx(
      'g',
      '@trustmesh/nx-plugin:service-type',
      'payments',
      '--accepts',
      'api',
      '--dials',
      'db',
      '--dry-run',
      '--no-interactive',
    );
    expect(r).toMatchObject({ status: 0 });
    expect(r.out).toContain('CREATE deploy/payments/sidecar.yaml');
    expect(r.out).toMatch(/dry-?run/i);
    expect(readFileSync(join(dir, 'trustmesh.yaml'), 'utf8')).toBe(original);
    expect(existsSync(join(dir, 'apps/services/payments'))).toBe(false);
  });

  it('ok/service-type payments --accepts api --dials db writes the config, project and sidecar config', () => {
    const r = nx(
      'g',
      '@trustmesh/nx-plugin:service-type',
      'payments',
      '--accepts',
      'api',
      '--dials',
      'db',
      '--no-interactive',
    );
    expect(r).toMatchObject({ status: 0 });
    for (const line of [
      'UPDATE trustmesh.yaml',
      'CREATE apps/services/payments/project.json',
      'CREATE deploy/payments/sidecar.yaml',
      'CREATE apps/services/payments/src/payments.e2e.ts',
      'npx trustmesh ca create payments --dir ./state',
    ]) {
      expect(r.out).toContain(line);
    }
    const mesh = readFileSync(join(dir, 'trustmesh.yaml'), 'utf8');
    expect(mesh).toBe(
      original
        .replace(
          'api: { accepts: [web], dials: [db], leafTtl: 24h }',
          'api: { accepts: [web], dials: [db, payments], leafTtl: 24h }',
        )
        .replace(
          'db:  { accepts: [api] }\n',
          'db:  { accepts: [api, payments] }\n  payments: { accepts: [api], dials: [db] }\n',
        ),
    );
    expect(readFileSync(join(dir, 'deploy/payments/sidecar.yaml'), 'utf8')).toContain('serviceType: payments\n');
  });

  it('ok/the generated project typechecks and `nx test payments` passes (unit and mesh e2e)', () => {
    const tsc = run(dir, ['node_modules/typescript/bin/tsc', '-p', 'apps/services/payments/tsconfig.json', '--noEmit']);
    expect(tsc).toEqual({ status: 0, out: '' });
    const test = nx('test', 'payments', '--output-style=static');
    expect(test.out).toMatch(/Tests:\s+15 passed, 15 total/);
    expect(test.out).toContain('payments.e2e.ts');
    expect(test.status).toBe(0);
  });

  it('fail/a second service-type payments is refused and changes nothing', () => {
    const before = readFileSync(join(dir, 'trustmesh.yaml'), 'utf8');
    const r = nx('g', '@trustmesh/nx-plugin:service-type', 'payments', '--dials', 'db', '--no-interactive');
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('service-type: service type already exists in trustmesh.yaml (payments)');
    expect(readFileSync(join(dir, 'trustmesh.yaml'), 'utf8')).toBe(before);
  });

  it('ok/remove-service-type payments --force restores trustmesh.yaml byte for byte', () => {
    const r = nx('g', '@trustmesh/nx-plugin:remove-service-type', 'payments', '--force', '--no-interactive');
    expect(r).toMatchObject({ status: 0 });
    expect(readFileSync(join(dir, 'trustmesh.yaml'), 'utf8')).toBe(original);
    expect(existsSync(join(dir, 'apps/services/payments'))).toBe(false);
    expect(existsSync(join(dir, 'deploy/payments'))).toBe(false);
  });
});
