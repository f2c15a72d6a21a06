import {
  PolicyError,
  acceptedPeers,
  dialedPeers,
  formatDuration,
  isIpAddress,
  mayConnect,
  parseDuration,
  parseMeshConfig,
  validateInstanceId,
  validateServiceTypeName,
} from './index';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof PolicyError ? err.code : 'NOT_A_POLICY_ERROR';
  }
  return undefined;
}

describe('parseDuration', () => {
  it.each([
    ['ok/seconds', '90s', 90],
    ['ok/minutes', '15m', 900],
    ['ok/hours', '24h', 86400],
    ['ok/days', '7d', 604800],
    ['ok/milliseconds that make whole seconds', '2000ms', 2],
  ])('%s', (_n, text, want) => expect(parseDuration(text)).toBe(want));

  it.each(['', '0s', '24', 'h', '1.5h', '-1h', '1h30m', ' 1h', '1H', '1w', '0010s', '1234567890s', '1500ms', '10ms'])(
    'fail/%j',
    (text) => {
      expect(codeOf(() => parseDuration(text))).toBe('DURATION_INVALID');
    },
  );

  it('ok/formatDuration round-trips', () => {
    for (const t of ['90s', '15m', '24h', '7d', '36h'])
      expect(parseDuration(formatDuration(parseDuration(t)))).toBe(parseDuration(t));
  });
});

describe('validateServiceTypeName', () => {
  it.each(['a', 'api', 'billing-v2', 'a'.repeat(31)])('ok/%s', (n) =>
    expect(codeOf(() => validateServiceTypeName(n))).toBeUndefined(),
  );
  it.each(['', 'Api', '1api', '-api', 'api_v2', 'a'.repeat(32), 'admin', 'platform', 'a.b'])('fail/%j', (n) => {
    expect(codeOf(() => validateServiceTypeName(n))).toBe('TYPE_NAME_INVALID');
  });
});

describe('validateInstanceId', () => {
  it.each(['a', '0', 'web-1', 'pod.zone-a-3', '9lives', 'a'.repeat(63)])('ok/%s', (id) =>
    expect(codeOf(() => validateInstanceId(id))).toBeUndefined(),
  );
  it.each([
    '',
    '../x',
    'a..b',
    'a/b',
    'a b',
    'A',
    '.a',
    'a.',
    '-a',
    'a-',
    'a'.repeat(64),
    'a\nb',
    'é',
    'db_1',
    'pod.zone_a-3',
  ])('fail/%j', (id) => {
    expect(codeOf(() => validateInstanceId(id))).toBe('INSTANCE_ID_INVALID');
  });
});

describe('trust matrix', () => {
  const mesh = parseMeshConfig(`trustDomain: example.test
types:
  web: { dials: [api] }
  api: { accepts: [web, cron], dials: [db] }
  cron: { dials: [api] }
  db: { accepts: [api] }
`);
  it('ok/accepted and dialed peers, sorted', () => {
    expect(acceptedPeers(mesh, 'api')).toEqual(['cron', 'web']);
    expect(dialedPeers(mesh, 'api')).toEqual(['db']);
    expect(acceptedPeers(mesh, 'web')).toEqual([]);
    expect(dialedPeers(mesh, 'db')).toEqual([]);
  });
  it('ok/mayConnect follows direction', () => {
    expect(mayConnect(mesh, 'web', 'api')).toBe(true);
    expect(mayConnect(mesh, 'api', 'web')).toBe(false);
    expect(mayConnect(mesh, 'web', 'db')).toBe(false);
  });
  it('ok/returned lists are copies', () => {
    acceptedPeers(mesh, 'api').push('evil');
    expect(acceptedPeers(mesh, 'api')).toEqual(['cron', 'web']);
  });
  it.each([
    ['fail/acceptedPeers unknown', () => acceptedPeers(mesh, 'ghost')],
    ['fail/dialedPeers reserved', () => dialedPeers(mesh, 'platform')],
    ['fail/mayConnect unknown target', () => mayConnect(mesh, 'web', 'ghost')],
    ['fail/inherited property name', () => acceptedPeers(mesh, 'toString')],
  ])('%s', (_n, fn) => expect(codeOf(fn)).toBe('TYPE_UNKNOWN'));
});

describe('isIpAddress', () => {
  it.each([
    '0.0.0.0',
    '10.1.2.3',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    '2001:db8::8a2e:370:7334',
    '1:2:3:4:5:6:7:8',
    '::ffff:10.0.0.1',
  ])('ok/%s', (ip) => {
    expect(isIpAddress(ip)).toBe(true);
  });
  it.each([
    '',
    '1.2.3',
    '256.1.1.1',
    '01.1.1.1',
    '1.2.3.4.5',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'fe80::1%eth0',
    'g::1',
    'localhost',
  ])('fail/%j', (ip) => {
    expect(isIpAddress(ip)).toBe(false);
  });
});
