import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pemEncode } from '@trustmesh/pki';
import { MemoryLogger } from '../observe/logger';
import { BAD_FILES } from '../testing/config-cases';
import { createTestCa } from '../testing/test-mesh';
import { parseSidecarArgs, runSidecarCommand } from './command';
import type { ControlledSidecar } from './start-control';
import { freePort, waitFor } from './testing/signer-process';

describe('parseSidecarArgs', () => {
  it.each([
    ['ok/--config FILE', ['--config', 'a.yaml'], { config: 'a.yaml', check: false }],
    ['ok/--config=FILE', ['--config=a.yaml'], { config: 'a.yaml', check: false }],
    ['ok/--check', ['--check', '--config', 'a.yaml'], { config: 'a.yaml', check: true }],
    ['ok/--help', ['--help'], 'help'],
    ['ok/-h', ['-h'], 'help'],
  ])('%s', (_name, argv, expected) => {
    expect(parseSidecarArgs(argv)).toEqual(expected);
  });

  it.each([
    ['fail/nothing', []],
    ['fail/--config without a value', ['--config']],
    ['fail/--config followed by a flag', ['--config', '--help']],
    ['fail/twice', ['--config', 'a', '--config=b']],
    ['fail/unknown argument', ['--listen', 'x']],
    ['fail/empty --config=', ['--config=']],
    ['fail/a positional argument', ['--config', 'a.yaml', 'b.yaml']],
    ['fail/--check with a value', ['--config', 'a.yaml', '--check=yes']],
  ])('%s → ARGS_INVALID', (_name, argv) => {
    expect(() => parseSidecarArgs(argv)).toThrow(expect.objectContaining({ code: 'ARGS_INVALID' }));
  });
});

describe('runSidecarCommand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tm-sidecar-cmd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(
    argv: string[],
    o: { signal?: AbortSignal; onStarted?: (s: ControlledSidecar) => void } = {},
    env: Record<string, string> = {},
  ) {
    const err: string[] = [];
    const code = await runSidecarCommand(argv, env, { err: (t) => err.push(t), logger: new MemoryLogger(), ...o });
    return { code, err: err.join('') };
  }

  it('fail/bad arguments → exit 2 with usage', async () => {
    const r = await run(['--nope']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^trustmesh sidecar: ARGS_INVALID: .*\nusage: trustmesh sidecar --config FILE/);
  });

  it('fail/an invalid config → exit 2 listing every issue', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'serviceType: Api\nsigner: { address: nowhere }\nadmin: { listen: 127.0.0.1:0 }\nbogus: 1\n');
    const r = await run(['--config', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('CONFIG_INVALID');
    for (const path of ['serviceType', 'signer.address', 'bogus']) expect(r.err).toContain(path);
  });

  it('fail/invalid OTEL_* settings in the environment handed in → exit 2 OTEL_CONFIG_INVALID', async () => {
    const r = await run(['--config', join(dir, 'missing.yaml')], {}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect({ code: r.code, err: r.err.split(':')[1]?.trim() }).toEqual({ code: 2, err: 'OTEL_CONFIG_INVALID' });
  });

  it.each(BAD_FILES.filter((c) => c.start !== 'starts').map((c) => [c.name, c] as const))(
    '%s → the start refuses with the code --check reports',
    async (_name, c) => {
      const caseDir = join(dir, `bad-files-${c.name.replace(/\W+/g, '-')}`);
      mkdirSync(caseDir);
      const r = await run(['--config', c.write(caseDir)]);
      expect({ code: r.code, err: r.err.split(':')[1]?.trim() }).toEqual({ code: c.start, err: c.problem.code });
    },
  );

  it('ok/signer unreachable: starts, admin serves (metrics with the OTEL_SERVICE_NAME handed in), not ready, no crash; stops with 0 on abort', async () => {
    const ca = join(dir, 'ca.pem');
    // Any certificate will do: the signer is never reached. Minted in memory at test time.
    writeFileSync(ca, pemEncode('CERTIFICATE', createTestCa('t', new Date()).root));
    const admin = await freePort();
    const file = join(dir, 'down.yaml');
    writeFileSync(
      file,
      `serviceType: api\ninstanceId: api-1\nsigner: { address: 127.0.0.1:${await freePort()}, caFile: ${ca}, tokenFile: ${join(dir, 't')} }\n` +
        `outbound: [ { name: db, listen: 127.0.0.1:0, connect: 127.0.0.1:2, peerType: db } ]\nadmin: { listen: 127.0.0.1:${admin} }\n`,
    );
    writeFileSync(join(dir, 't'), 'token\n');
    const stop = new AbortController();
    let started: ControlledSidecar | undefined;
    const done = run(
      ['--config', file],
      { signal: stop.signal, onStarted: (s) => (started = s) },
      { OTEL_SERVICE_NAME: 'sidecar-under-test' },
    );
    await waitFor(() => started !== undefined && started.identity.failureCount >= 1, 10_000, 'a failed attempt');
    expect(started!.identity.lastError()?.code).toBe('SIGNER_UNAVAILABLE');
    expect(await status(admin, '/healthz')).toBe(200);
    expect(await status(admin, '/readyz')).toBe(503);
    expect(await text(admin, '/metrics')).toContain('target_info{service_name="sidecar-under-test"} 1\n');
    expect(started!.ready()).toBe(false);
    stop.abort();
    expect((await done).code).toBe(0);
  });
});

function text(port: number, path: string): Promise<string> {
  return new Promise((ok, fail) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => ok(body));
    }).on('error', fail);
  });
}

function status(port: number, path: string): Promise<number> {
  return new Promise((ok) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    }).on('error', () => ok(0));
  });
}
