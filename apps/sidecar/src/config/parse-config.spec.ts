import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAYOUT } from '@trustmesh/ca';
import { ConfigError, SidecarError } from '../errors';
import { loadConfig } from './load-config';
import { parseConfig } from './parse-config';

const ISSUE_EXAMPLE = `
serviceType: api
instanceId: api-1                 # default: hostname-based
signer: { address: 127.0.0.1:7443, caFile: state/${LAYOUT.platformRoot}, tokenFile: api.token }
inbound:                          # mTLS in, plaintext to the local service
  - { name: http, listen: 127.0.0.1:15001, forward: 127.0.0.1:8080, accept: [web] }
outbound:                         # plaintext from the local service, mTLS out
  - { name: db, listen: 127.0.0.1:16001, connect: 127.0.0.1:15002, peerType: db }
admin: { listen: 127.0.0.1:15900 }
`;

function issuesOf(text: string): { path: string; code: string }[] {
  try {
    parseConfig(text, { hostname: 'Host_1.local' });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).code).toBe('CONFIG_INVALID');
    return (e as ConfigError).issues.map(({ path, code }) => ({ path, code }));
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it("ok/the README's example, with defaults filled in and frozen", () => {
    const c = parseConfig(ISSUE_EXAMPLE);
    expect(c).toMatchObject({
      serviceType: 'api',
      instanceId: 'api-1',
      signer: { address: { host: '127.0.0.1', port: 7443 }, caFile: `state/${LAYOUT.platformRoot}`, tokenFile: 'api.token' },
      inbound: [{ name: 'http', listen: { host: '127.0.0.1', port: 15001 }, forward: { host: '127.0.0.1', port: 8080 }, accept: ['web'] }],
      outbound: [{ name: 'db', listen: { host: '127.0.0.1', port: 16001 }, connect: { host: '127.0.0.1', port: 15002 }, peerType: 'db' }],
      admin: { listen: { host: '127.0.0.1', port: 15900 } },
      tlsMinVersion: 'TLSv1.3',
      limits: { handshakeTimeoutMs: 10_000, idleTimeoutMs: 300_000, maxConnections: 4096, drainTimeoutMs: 15_000 },
    });
    expect(c.keyFile).toBeUndefined();
    expect(Object.isFrozen(c.inbound[0].accept)).toBe(true);
    expect(() => (c.inbound as unknown[]).push(1)).toThrow();
  });

  it.each([
    ['ok/instanceId defaults from the host name', ISSUE_EXAMPLE.replace(/instanceId:.*\n/, ''), { instanceId: 'host-1.local' }],
    ['ok/limits, TLS 1.2 and a key file', `${ISSUE_EXAMPLE}limits: { handshakeTimeout: 500ms, idleTimeout: 2m, maxConnections: 10, drainTimeout: 1s }\ntlsMinVersion: '1.2'\nkeyFile: state/api.key\n`,
      { limits: { handshakeTimeoutMs: 500, idleTimeoutMs: 120_000, maxConnections: 10, drainTimeoutMs: 1000 }, tlsMinVersion: 'TLSv1.2', keyFile: 'state/api.key' }],
    ['ok/IPv6 and host names', ISSUE_EXAMPLE.replace('127.0.0.1:8080', "'[::1]:8080'").replace('127.0.0.1:15002', 'db.internal:15002'),
      { inbound: [{ forward: { host: '::1', port: 8080 } }], outbound: [{ connect: { host: 'db.internal', port: 15002 } }] }],
    ['ok/outbound only', ISSUE_EXAMPLE.replace(/inbound:.*\n.*\n/, ''), { inbound: [] }],
    ['ok/a dotted instance id and durations in every unit', `${ISSUE_EXAMPLE.replace('instanceId: api-1', 'instanceId: api-1.zone-a')}limits: { handshakeTimeout: 1m, idleTimeout: 1d, drainTimeout: 1ms }\n`,
      { instanceId: 'api-1.zone-a', limits: { handshakeTimeoutMs: 60_000, idleTimeoutMs: 86_400_000, drainTimeoutMs: 1 } }],
  ])('%s', (_name, text, want) => {
    expect(parseConfig(text, { hostname: 'Host_1.local' })).toMatchObject(want);
  });

  it.each([
    ['fail/YAML syntax', 'serviceType: [api\n', [{ path: 'line 2', code: 'YAML_SYNTAX' }]],
    ['fail/not a mapping', '- a\n- b\n', [{ path: '(document)', code: 'WRONG_TYPE' }]],
    ['fail/unknown top-level field', `${ISSUE_EXAMPLE}serviceTyp: api\n`, [{ path: 'serviceTyp', code: 'UNKNOWN_FIELD' }]],
    ['fail/bad listen port', ISSUE_EXAMPLE.replace('127.0.0.1:15001', '127.0.0.1:70000'), [{ path: 'inbound[0].listen', code: 'ADDRESS_INVALID' }]],
    ['fail/port 0 is only for listeners', ISSUE_EXAMPLE.replace('127.0.0.1:8080', '127.0.0.1:0'), [{ path: 'inbound[0].forward', code: 'ADDRESS_INVALID' }]],
    ['fail/empty accept', ISSUE_EXAMPLE.replace('accept: [web]', 'accept: []'), [{ path: 'inbound[0].accept', code: 'EMPTY_LIST' }]],
    ['fail/duplicate accepted type', ISSUE_EXAMPLE.replace('accept: [web]', 'accept: [web, web]'), [{ path: 'inbound[0].accept[1]', code: 'DUPLICATE' }]],
    ['fail/duplicate route name', ISSUE_EXAMPLE.replace('name: db', 'name: http'), [{ path: 'outbound[0].name', code: 'DUPLICATE' }]],
    ['fail/two routes on one address', ISSUE_EXAMPLE.replace('127.0.0.1:16001', '127.0.0.1:15001'), [{ path: 'outbound[0].listen', code: 'DUPLICATE' }]],
    ['fail/bad duration', `${ISSUE_EXAMPLE}limits: { idleTimeout: 10 }\n`, [{ path: 'limits.idleTimeout', code: 'DURATION_INVALID' }]],
    ['fail/instance id the signer refuses (underscore)', ISSUE_EXAMPLE.replace('instanceId: api-1', 'instanceId: db_1'), [{ path: 'instanceId', code: 'INSTANCE_ID_INVALID' }]],
    ['fail/upper-case instance id', ISSUE_EXAMPLE.replace('instanceId: api-1', 'instanceId: API-1'), [{ path: 'instanceId', code: 'INSTANCE_ID_INVALID' }]],
    ['fail/type name ending in a hyphen', ISSUE_EXAMPLE.replace('serviceType: api', 'serviceType: api-'), [{ path: 'serviceType', code: 'TYPE_NAME_INVALID' }]],
    ['fail/bad peer type', ISSUE_EXAMPLE.replace('peerType: db', 'peerType: db_1'), [{ path: 'outbound[0].peerType', code: 'TYPE_NAME_INVALID' }]],
    ['fail/route name that is no DNS label', ISSUE_EXAMPLE.replace('name: http', 'name: Http'), [{ path: 'inbound[0].name', code: 'DNS_NAME_INVALID' }]],
    ['fail/underscore in a host name', ISSUE_EXAMPLE.replace('127.0.0.1:15002', 'db_1.internal:15002'), [{ path: 'outbound[0].connect', code: 'ADDRESS_INVALID' }]],
    ['fail/unbracketed IPv6', ISSUE_EXAMPLE.replace('127.0.0.1:8080', "'::1:8080'"), [{ path: 'inbound[0].forward', code: 'ADDRESS_INVALID' }]],
    ['fail/zero duration', `${ISSUE_EXAMPLE}limits: { drainTimeout: 0s }\n`, [{ path: 'limits.drainTimeout', code: 'DURATION_INVALID' }]],
    ['fail/compound duration', `${ISSUE_EXAMPLE}limits: { idleTimeout: 1h30m }\n`, [{ path: 'limits.idleTimeout', code: 'DURATION_INVALID' }]],
    ['fail/duration out of range', `${ISSUE_EXAMPLE}limits: { handshakeTimeout: 10ms }\n`, [{ path: 'limits.handshakeTimeout', code: 'DURATION_INVALID' }]],
    ['fail/bad TLS version', `${ISSUE_EXAMPLE}tlsMinVersion: '1.1'\n`, [{ path: 'tlsMinVersion', code: 'INVALID_ENUM' }]],
    ['fail/no routes at all', ISSUE_EXAMPLE.replace(/inbound:.*\n.*\n/, '').replace(/outbound:.*\n.*\n/, ''), [{ path: 'inbound', code: 'EMPTY_LIST' }]],
  ])('%s', (_name, text, want) => {
    expect(issuesOf(text)).toEqual(want);
  });

  it('fail/every error is listed, in document order, with its path', () => {
    const text = `
serviceType: API
signer: { address: localhost, tokenFile: t }
inbound:
  - { name: http, listen: nowhere, forward: 127.0.0.1:8080, accept: [web, Bad], acept: [x] }
outbound:
  - { name: db, listen: 127.0.0.1:16001, peerType: db }
limits: { maxConnections: 0 }
`;
    expect(issuesOf(text)).toEqual([
      { path: 'serviceType', code: 'TYPE_NAME_INVALID' },
      { path: 'signer.address', code: 'ADDRESS_INVALID' },
      { path: 'signer.caFile', code: 'REQUIRED' },
      { path: 'inbound[0].acept', code: 'UNKNOWN_FIELD' },
      { path: 'inbound[0].listen', code: 'ADDRESS_INVALID' },
      { path: 'inbound[0].accept[1]', code: 'TYPE_NAME_INVALID' },
      { path: 'outbound[0].connect', code: 'REQUIRED' },
      { path: 'admin', code: 'REQUIRED' },
      { path: 'limits.maxConnections', code: 'INVALID_NUMBER' },
    ]);
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidecar-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('ok/reads the file; a key file that does not exist yet is fine', async () => {
    const path = join(dir, 'ok.yaml');
    await writeFile(path, `${ISSUE_EXAMPLE}keyFile: ${join(dir, 'absent.key')}\n`);
    expect((await loadConfig(path)).serviceType).toBe('api');
  });

  it.each([
    ['fail/missing file', 'missing.yaml', undefined, 'CONFIG_UNREADABLE'],
    ['fail/key file readable by others', 'k.yaml', 0o644, 'KEY_FILE_INSECURE'],
    ['fail/invalid content', 'bad.yaml', undefined, 'CONFIG_INVALID'],
  ])('%s', async (_name, file, keyMode, code) => {
    const path = join(dir, file);
    if (file === 'k.yaml') {
      const key = join(dir, 'k.key');
      await writeFile(key, 'not a key, only its mode matters');
      await chmod(key, keyMode as number);
      await writeFile(path, `${ISSUE_EXAMPLE}keyFile: ${key}\n`);
    }
    if (file === 'bad.yaml') await writeFile(path, 'serviceType: 1\n');
    await expect(loadConfig(path)).rejects.toMatchObject({ code });
    await expect(loadConfig(path)).rejects.toBeInstanceOf(SidecarError);
  });
});
