import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSidecarArgs } from './command';
import { run } from './testing/run-command';

describe('parseSidecarArgs', () => {
  it.each([
    ['ok/--config FILE', ['--config', 'a.yaml'], { config: 'a.yaml' }],
    ['ok/--config=FILE', ['--config=a.yaml'], { config: 'a.yaml' }],
    ['ok/--help', ['--help'], 'help'],
  ])('%s', (_name, argv, expected) => {
    expect(parseSidecarArgs(argv)).toEqual(expected);
  });

  it.each([
    ['fail/nothing', []],
    ['fail/--config without a value', ['--config']],
    ['fail/--config followed by a flag', ['--config', '--help']],
    ['fail/twice', ['--config', 'a', '--config=b']],
    ['fail/unknown argument', ['--listen', 'x']],
  ])('%s → ARGS_INVALID', (_name, argv) => {
    expect(() => parseSidecarArgs(argv)).toThrow(expect.objectContaining({ code: 'ARGS_INVALID' }));
  });
});

// Starting against an unreachable signer (its CA file made by openssl): command.openssl.e2e.ts.
describe('runSidecarCommand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tm-sidecar-cmd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

  it('fail/a missing config file → exit 2 CONFIG_UNREADABLE', async () => {
    const r = await run(['--config', join(dir, 'missing.yaml')]);
    expect({ code: r.code, err: r.err.split(':')[1]?.trim() }).toEqual({ code: 2, err: 'CONFIG_UNREADABLE' });
  });

  it('fail/an unreadable signer CA file → exit 1 CA_FILE_UNREADABLE', async () => {
    const file = join(dir, 'noca.yaml');
    writeFileSync(file, `serviceType: api\ninstanceId: api-1\nsigner: { address: 127.0.0.1:1, caFile: ${join(dir, 'nope.pem')}, tokenFile: ${join(dir, 't')} }\n` +
      'outbound: [ { name: db, listen: 127.0.0.1:0, connect: 127.0.0.1:2, peerType: db } ]\nadmin: { listen: 127.0.0.1:0 }\n');
    const r = await run(['--config', file]);
    expect({ code: r.code, err: r.err.split(':')[1]?.trim() }).toEqual({ code: 1, err: 'CA_FILE_UNREADABLE' });
  });
});
