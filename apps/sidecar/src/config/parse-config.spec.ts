import { LAYOUT } from '@trustmesh/ca';
import { BAD_CONFIGS, EXAMPLE_CONFIG as ISSUE_EXAMPLE, MANY_PROBLEMS } from '../testing/config-cases';
import { ConfigError } from '../errors';
import { inspectConfig, parseConfig } from './parse-config';

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
      signer: {
        address: { host: '127.0.0.1', port: 7443 },
        caFile: `state/${LAYOUT.platformRoot}`,
        tokenFile: 'api.token',
      },
      inbound: [
        {
          name: 'http',
          listen: { host: '127.0.0.1', port: 15001 },
          forward: { host: '127.0.0.1', port: 8080 },
          accept: ['web'],
        },
      ],
      outbound: [
        {
          name: 'db',
          listen: { host: '127.0.0.1', port: 16001 },
          connect: { host: '127.0.0.1', port: 15002 },
          peerType: 'db',
        },
      ],
      admin: { listen: { host: '127.0.0.1', port: 15900 } },
      tlsMinVersion: 'TLSv1.3',
      limits: { handshakeTimeoutMs: 10_000, idleTimeoutMs: 300_000, maxConnections: 4096, drainTimeoutMs: 15_000 },
    });
    expect(c.keyFile).toBeUndefined();
    expect(Object.isFrozen(c.inbound[0].accept)).toBe(true);
    expect(() => (c.inbound as unknown[]).push(1)).toThrow();
  });

  it.each([
    [
      'ok/instanceId defaults from the host name',
      ISSUE_EXAMPLE.replace(/instanceId:.*\n/, ''),
      { instanceId: 'host-1.local' },
    ],
    [
      'ok/limits, TLS 1.2 and a key file',
      `${ISSUE_EXAMPLE}limits: { handshakeTimeout: 500ms, idleTimeout: 2m, maxConnections: 10, drainTimeout: 1s }\ntlsMinVersion: '1.2'\nkeyFile: state/api.key\n`,
      {
        limits: { handshakeTimeoutMs: 500, idleTimeoutMs: 120_000, maxConnections: 10, drainTimeoutMs: 1000 },
        tlsMinVersion: 'TLSv1.2',
        keyFile: 'state/api.key',
      },
    ],
    [
      'ok/IPv6 and host names',
      ISSUE_EXAMPLE.replace('127.0.0.1:8080', "'[::1]:8080'").replace('127.0.0.1:15002', 'db.internal:15002'),
      {
        inbound: [{ forward: { host: '::1', port: 8080 } }],
        outbound: [{ connect: { host: 'db.internal', port: 15002 } }],
      },
    ],
    ['ok/outbound only', ISSUE_EXAMPLE.replace(/inbound:.*\n.*\n/, ''), { inbound: [] }],
    [
      'ok/a dotted instance id and durations in every unit',
      `${ISSUE_EXAMPLE.replace('instanceId: api-1', 'instanceId: api-1.zone-a')}limits: { handshakeTimeout: 1m, idleTimeout: 1d, drainTimeout: 1ms }\n`,
      {
        instanceId: 'api-1.zone-a',
        limits: { handshakeTimeoutMs: 60_000, idleTimeoutMs: 86_400_000, drainTimeoutMs: 1 },
      },
    ],
  ])('%s', (_name, text, want) => {
    expect(parseConfig(text, { hostname: 'Host_1.local' })).toMatchObject(want);
  });

  it.each(BAD_CONFIGS)('%s', (_name, text, want) => {
    expect(issuesOf(text)).toEqual(want);
  });

  it('fail/every error is listed, in document order, with its path', () => {
    expect(issuesOf(MANY_PROBLEMS.text)).toEqual(MANY_PROBLEMS.issues);
  });
});

describe('inspectConfig', () => {
  it('ok/a valid document: the config, no issue, its file names', () => {
    const r = inspectConfig(`${ISSUE_EXAMPLE}keyFile: state/api.key\n`);
    expect(r.issues).toEqual([]);
    expect(r.config?.instanceId).toBe('api-1');
    expect(r.files).toEqual({
      caFile: `state/${LAYOUT.platformRoot}`,
      tokenFile: 'api.token',
      keyFile: 'state/api.key',
    });
  });

  it('fail/every issue, and the file names that are valid although other fields are not', () => {
    const r = inspectConfig(MANY_PROBLEMS.text);
    expect(r.config).toBeUndefined();
    expect(r.issues.map(({ path, code }) => ({ path, code }))).toEqual(MANY_PROBLEMS.issues);
    expect(r.files).toEqual({ tokenFile: 'api.token' });
  });
});
