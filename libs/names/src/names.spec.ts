import {
  NameError,
  dnsLabelProblem,
  dnsNameProblem,
  durationProblem,
  formatHostPort,
  formatSpiffeId,
  hostPortProblem,
  hostnameProblem,
  instanceIdProblem,
  ipAddressProblem,
  isNameError,
  parseDurationMs,
  parseDurationSeconds,
  parseHostPort,
  parseIpAddress,
  parseSpiffeId,
  tryParseSpiffeId,
  requireInstanceId,
  requireTypeName,
  spiffeIdProblem,
  trustDomainProblem,
  typeNameProblem,
  type NameProblem,
} from './index';

/** The code a throwing form raises, or undefined when it returns. */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isNameError(err) ? err.code : 'NOT_A_NAME_ERROR';
  }
  return undefined;
}
const codeOfProblem = (p: NameProblem | null): string | undefined => p?.code;

describe('durations', () => {
  it.each([
    ['ok/500ms', '500ms', 500],
    ['ok/10s', '10s', 10_000],
    ['ok/5m', '5m', 300_000],
    ['ok/1h', '1h', 3_600_000],
    ['ok/7d', '7d', 604_800_000],
    ['ok/nine digits', '999999999ms', 999_999_999],
  ])('%s', (_n, text, ms) => {
    expect(durationProblem(text)).toBeNull();
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each([
    ['fail/zero', '0s'],
    ['fail/fraction', '1.5h'],
    ['fail/compound', '1h30m'],
    ['fail/negative', '-1s'],
    ['fail/no unit', '10'],
    ['fail/upper-case unit', '10S'],
    ['fail/leading space', ' 10s'],
    ['fail/trailing newline', '10s\n'],
    ['fail/leading zero', '010s'],
    ['fail/unknown unit', '1w'],
    ['fail/empty', ''],
    ['fail/unit only', 'h'],
    ['fail/ten digits', '1234567890s'],
    ['fail/plus sign', '+1s'],
    ['fail/not a string', 10],
    ['fail/too large to be exact in ms', '999999999d'],
  ])('%s → DURATION_INVALID', (_n, text) => {
    expect(codeOfProblem(durationProblem(text))).toBe('DURATION_INVALID');
    expect(codeOf(() => parseDurationMs(text))).toBe('DURATION_INVALID');
  });

  it.each([
    ['ok/90s', '90s', 90],
    ['ok/2000ms is 2 s', '2000ms', 2],
    ['ok/7d', '7d', 604_800],
  ])('seconds %s', (_n, text, s) => {
    expect(parseDurationSeconds(text)).toBe(s);
  });
  it.each([
    ['fail/sub-second', '1500ms'],
    ['fail/ten ms', '10ms'],
    ['fail/bad grammar', '1.5s'],
  ])('seconds %s → DURATION_INVALID', (_n, text) => {
    expect(codeOf(() => parseDurationSeconds(text))).toBe('DURATION_INVALID');
  });
});

describe('host:port', () => {
  it.each([
    ['ok/IPv4 port 0 for a listener', '127.0.0.1:0', true, { host: '127.0.0.1', port: 0 }],
    ['ok/bracketed IPv6', '[::1]:443', false, { host: '::1', port: 443 }],
    ['ok/host name', 'localhost:80', false, { host: 'localhost', port: 80 }],
    ['ok/dotted host name', 'db.internal:15002', false, { host: 'db.internal', port: 15002 }],
    ['ok/top port', '10.0.0.1:65535', false, { host: '10.0.0.1', port: 65535 }],
    ['ok/IPv6 with an IPv4 tail', '[::ffff:10.0.0.1]:1', false, { host: '::ffff:10.0.0.1', port: 1 }],
  ])('%s', (_n, text, allowPortZero, want) => {
    expect(hostPortProblem(text, { allowPortZero })).toBeNull();
    expect(parseHostPort(text, { allowPortZero })).toEqual(want);
    expect(formatHostPort(parseHostPort(text, { allowPortZero }))).toBe(text);
  });

  it.each([
    ['fail/port 0 not allowed here', '127.0.0.1:0', false],
    ['fail/unbracketed IPv6', '::1:443', false],
    ['fail/port above 65535', 'host:65536', false],
    ['fail/underscore in host', 'a_b:80', false],
    ['fail/no port', '[::1]', false],
    ['fail/no host', ':80', true],
    ['fail/leading zero in an IPv4 octet', '1.2.3.04:80', false],
    ['fail/leading zero in the port', 'host:080', false],
    ['fail/empty port', 'host:', false],
    ['fail/upper-case host', 'Localhost:80', false],
    ['fail/scheme', 'http://host:80', false],
    ['fail/IPv4 in brackets', '[1.2.3.4]:80', false],
    ['fail/zone id', '[fe80::1%eth0]:80', false],
    ['fail/path', 'host:80/x', false],
    ['fail/no colon', 'nohostport', true],
    ['fail/not a string', 80, true],
  ])('%s → ADDRESS_INVALID', (_n, text, allowPortZero) => {
    expect(codeOfProblem(hostPortProblem(text, { allowPortZero }))).toBe('ADDRESS_INVALID');
    expect(codeOf(() => parseHostPort(text, { allowPortZero }))).toBe('ADDRESS_INVALID');
  });
});

describe('IP address text', () => {
  it.each([
    ['ok/IPv4', '10.1.2.3', [10, 1, 2, 3]],
    ['ok/IPv4 zeros', '0.0.0.0', [0, 0, 0, 0]],
    ['ok/IPv4 top', '255.255.255.255', [255, 255, 255, 255]],
    ['ok/IPv6 all zero', '::', new Array(16).fill(0)],
    ['ok/IPv6 loopback', '::1', [...new Array(15).fill(0), 1]],
    ['ok/IPv6 trailing ::', '1::', [0, 1, ...new Array(14).fill(0)]],
    ['ok/IPv6 full', '1:2:3:4:5:6:7:8', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]],
    ['ok/IPv6 upper-case hex', 'FE80::1', [0xfe, 0x80, ...new Array(13).fill(0), 1]],
    ['ok/IPv6 embedded IPv4', '::ffff:10.0.0.1', [...new Array(10).fill(0), 0xff, 0xff, 10, 0, 0, 1]],
    ['ok/IPv6 six groups and IPv4', '1:2:3:4:5:6:1.2.3.4', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4]],
  ])('%s', (_n, text, bytes) => {
    expect(ipAddressProblem(text)).toBeNull();
    expect(Array.from(parseIpAddress(text))).toEqual(bytes);
  });

  it.each([
    '',
    '1.2.3',
    '256.1.1.1',
    '01.1.1.1',
    '1.2.3.04',
    '1.2.3.4.5',
    ' 1.2.3.4',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '::1:2:3:4:5:6:7:8',
    '12345::',
    'fe80::1%eth0',
    'g::1',
    'localhost',
    '[::1]',
    '1.2.3.4::',
    '1.2.3.4:1::',
    '::1.2.3',
    ':1::',
    '1:',
  ])('fail/%j → IP_ADDRESS_INVALID', (text) => {
    expect(codeOfProblem(ipAddressProblem(text))).toBe('IP_ADDRESS_INVALID');
    expect(codeOf(() => parseIpAddress(text))).toBe('IP_ADDRESS_INVALID');
  });
});

describe('SPIFFE IDs', () => {
  it.each([
    [
      'ok/mesh form',
      'spiffe://example.test/api/api-1',
      { trustDomain: 'example.test', serviceType: 'api', instanceId: 'api-1' },
    ],
    [
      'ok/dotted instance id',
      'spiffe://td/db/db-1.zone-a',
      { trustDomain: 'td', serviceType: 'db', instanceId: 'db-1.zone-a' },
    ],
    [
      'ok/the CLI identity',
      'spiffe://example.test/admin/cli',
      { trustDomain: 'example.test', serviceType: 'admin', instanceId: 'cli' },
    ],
  ])('%s', (_n, uri, parts) => {
    expect(spiffeIdProblem(uri)).toBeNull();
    expect(parseSpiffeId(uri)).toEqual(parts);
    expect(tryParseSpiffeId(uri)).toEqual(parts);
    expect(formatSpiffeId(parts.trustDomain, parts.serviceType, parts.instanceId)).toBe(uri);
  });

  it.each([
    ['fail/extra path segment', 'spiffe://example.test/api/api-1/x'],
    ['fail/missing instance', 'spiffe://example.test/api'],
    ['fail/empty instance', 'spiffe://example.test/api/'],
    ['fail/upper-case type', 'spiffe://example.test/API/api-1'],
    ['fail/upper-case scheme', 'SPIFFE://example.test/api/api-1'],
    ['fail/port', 'spiffe://example.test:443/api/api-1'],
    ['fail/userinfo', 'spiffe://u@example.test/api/api-1'],
    ['fail/query', 'spiffe://example.test/api/api-1?x=1'],
    ['fail/fragment', 'spiffe://example.test/api/api-1#x'],
    ['fail/percent escape', 'spiffe://example.test/api/api%2D1'],
    ['fail/underscore in the instance', 'spiffe://example.test/db/db_1'],
    ['fail/instance of 64 characters', `spiffe://example.test/db/${'a'.repeat(64)}`],
    ['fail/other scheme', 'https://example.test/api/api-1'],
    ['fail/trailing newline', 'spiffe://example.test/api/api-1\n'],
    ['fail/dot segment', 'spiffe://example.test/api/..'],
    ['fail/not a string', undefined],
  ])('%s → SPIFFE_ID_INVALID', (_n, uri) => {
    expect(codeOfProblem(spiffeIdProblem(uri))).toBe('SPIFFE_ID_INVALID');
    expect(codeOf(() => parseSpiffeId(uri))).toBe('SPIFFE_ID_INVALID');
    expect(tryParseSpiffeId(uri)).toBeNull();
  });

  it('fail/the message names the bad part', () => {
    expect(spiffeIdProblem('spiffe://example.test/api/db_1')?.message).toMatch(/^instance id must be/);
    expect(spiffeIdProblem('spiffe://Example.test/api/a')?.message).toMatch(/^trust domain must be/);
  });

  it.each([
    ['fail/bad trust domain', ['Example.test', 'api', 'a'], 'TRUST_DOMAIN_INVALID'],
    ['fail/bad type', ['example.test', '1api', 'a'], 'TYPE_NAME_INVALID'],
    ['fail/bad instance', ['example.test', 'api', '..'], 'INSTANCE_ID_INVALID'],
  ])('build %s', (_n, [td, type, instance], code) => {
    expect(codeOf(() => formatSpiffeId(td, type, instance))).toBe(code);
  });
});

describe('service type names and instance ids', () => {
  const n31 = `a${'b'.repeat(30)}`;
  it.each(['a', 'api', 'billing-v2', 'x1', n31, 'admin', 'platform'])('ok/type %j', (t) => {
    expect(typeNameProblem(t)).toBeNull();
    expect(requireTypeName(t)).toBe(t);
  });
  it.each(['', 'Api', '1api', '9lives', '-api', 'api-', 'api_v2', `${n31}c`, 'a.b', 'a b', 'dé', 'api\n', null])(
    'fail/type %j → TYPE_NAME_INVALID',
    (t) => {
      expect(codeOfProblem(typeNameProblem(t))).toBe('TYPE_NAME_INVALID');
      expect(codeOf(() => requireTypeName(t))).toBe('TYPE_NAME_INVALID');
    },
  );

  it.each(['a', '0', '9lives', 'web-1', 'a.b', 'pod.zone-a-3', 'a'.repeat(63), `${'a'.repeat(31)}.${'b'.repeat(31)}`])(
    'ok/instance %j',
    (id) => {
      expect(instanceIdProblem(id)).toBeNull();
      expect(requireInstanceId(id)).toBe(id);
    },
  );
  it.each([
    '',
    'db_1',
    'DB-1',
    '../x',
    '..',
    'a..b',
    '.a',
    'a.',
    '-a',
    'a-',
    'a.-b',
    'a'.repeat(64),
    'a/b',
    'a b',
    'a\nb',
    'db\n',
    'é',
    '%2F',
    'a:1',
    7,
  ])('fail/instance %j → INSTANCE_ID_INVALID', (id) => {
    expect(codeOfProblem(instanceIdProblem(id))).toBe('INSTANCE_ID_INVALID');
    expect(codeOf(() => requireInstanceId(id))).toBe('INSTANCE_ID_INVALID');
  });
});

describe('DNS names, labels, host names, trust domains', () => {
  const label63 = 'a'.repeat(63);
  const name253 = [label63, label63, label63, 'a'.repeat(61)].join('.');
  it.each(['a', 'example.test', 'xn--d-bga.test', '0.a', name253])('ok/DNS name %j', (n) =>
    expect(dnsNameProblem(n)).toBeNull(),
  );
  it.each([
    '',
    'Example.test',
    'a_b.test',
    '*.test',
    'a..b',
    '.a',
    'a.',
    '-a.test',
    'a-.test',
    `${name253}a`,
    `${'a'.repeat(64)}.test`,
    'dé.test',
  ])('fail/DNS name %j → DNS_NAME_INVALID', (n) => expect(codeOfProblem(dnsNameProblem(n))).toBe('DNS_NAME_INVALID'));

  it.each(['http', 'db', '9x', label63])('ok/label %j', (l) => expect(dnsLabelProblem(l)).toBeNull());
  it.each(['', 'a.b', 'A', '-a', `${label63}a`])('fail/label %j → DNS_NAME_INVALID', (l) =>
    expect(codeOfProblem(dnsLabelProblem(l))).toBe('DNS_NAME_INVALID'),
  );

  it.each(['localhost', 'db.internal', 'a1.b2'])('ok/host name %j', (h) => expect(hostnameProblem(h)).toBeNull());
  it.each(['1.2.3.04', '10', 'a.123', 'A.test'])('fail/host name %j → DNS_NAME_INVALID', (h) =>
    expect(codeOfProblem(hostnameProblem(h))).toBe('DNS_NAME_INVALID'),
  );

  it.each(['example.test', 'td', name253])('ok/trust domain %j', (td) => expect(trustDomainProblem(td)).toBeNull());
  it.each(['', 'Example.test', 'example.test:443', 'u@example.test', `${name253}a`, 3])(
    'fail/trust domain %j → TRUST_DOMAIN_INVALID',
    (td) => {
      expect(codeOfProblem(trustDomainProblem(td))).toBe('TRUST_DOMAIN_INVALID');
    },
  );
});

describe('NameError', () => {
  it('ok/carries the problem code and message', () => {
    const err = (() => {
      try {
        return requireInstanceId('db_1');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NameError);
    expect(err).toMatchObject({ code: 'INSTANCE_ID_INVALID', message: instanceIdProblem('db_1')?.message });
    expect(isNameError(err, 'TYPE_NAME_INVALID')).toBe(false);
  });

  it('ok/problems are frozen', () => {
    expect(Object.isFrozen(typeNameProblem('X'))).toBe(true);
  });
});
