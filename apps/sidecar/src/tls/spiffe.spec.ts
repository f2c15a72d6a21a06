import { authorizePeer, parseSpiffeUri, uriSans } from './spiffe';

describe('parseSpiffeUri', () => {
  it.each([
    [
      'ok/mesh form',
      'spiffe://example.test/api/api-1',
      { trustDomain: 'example.test', serviceType: 'api', instanceId: 'api-1' },
    ],
    ['fail/extra path segment', 'spiffe://example.test/api/api-1/x', undefined],
    ['fail/upper case type', 'spiffe://example.test/API/api-1', undefined],
    ['fail/port in trust domain', 'spiffe://example.test:443/api/api-1', undefined],
    ['fail/userinfo', 'spiffe://u@example.test/api/api-1', undefined],
    ['fail/query', 'spiffe://example.test/api/api-1?x=1', undefined],
    ['fail/percent escape', 'spiffe://example.test/api/api%2D1', undefined],
    ['fail/other scheme', 'https://example.test/api/api-1', undefined],
    ['fail/underscore in the instance id (the signer no longer issues it)', 'spiffe://example.test/db/db_1', undefined],
    ['fail/empty label in the instance id', 'spiffe://example.test/db/db..1', undefined],
    [
      'ok/dotted instance id',
      'spiffe://example.test/db/db-1.zone-a',
      { trustDomain: 'example.test', serviceType: 'db', instanceId: 'db-1.zone-a' },
    ],
  ])('%s', (_name, uri, want) => {
    expect(parseSpiffeUri(uri)).toEqual(want);
  });
});

describe('uriSans', () => {
  it('ok/keeps only URI entries; quoted entries stay quoted', () => {
    expect(
      uriSans('DNS:a.test, URI:spiffe://example.test/api/a, IP Address:127.0.0.1, "URI:spiffe://x/y/z,w"'),
    ).toEqual(['spiffe://example.test/api/a']);
    expect(uriSans(undefined)).toEqual([]);
  });
});

describe('authorizePeer', () => {
  const san = (...uris: string[]) => uris.map((u) => `URI:${u}`).join(', ');
  it.each([
    [
      'ok/accepted type',
      san('spiffe://example.test/web/w-1'),
      ['web', 'api'],
      { ok: true, id: 'spiffe://example.test/web/w-1' },
    ],
    [
      'fail/type not in the accept list',
      san('spiffe://example.test/db/d-1'),
      ['web'],
      { ok: false, reason: 'TYPE_NOT_ALLOWED' },
    ],
    [
      'fail/other trust domain',
      san('spiffe://evil.test/web/w-1'),
      ['web'],
      { ok: false, reason: 'WRONG_TRUST_DOMAIN' },
    ],
    ['fail/no URI SAN', 'DNS:web.example.test', ['web'], { ok: false, reason: 'NO_SPIFFE_ID' }],
    [
      'fail/two SPIFFE IDs',
      san('spiffe://example.test/web/w-1', 'spiffe://example.test/api/a-1'),
      ['web', 'api'],
      { ok: false, reason: 'MULTIPLE_SPIFFE_IDS' },
    ],
    ['fail/malformed ID', san('spiffe://example.test/web'), ['web'], { ok: false, reason: 'NO_SPIFFE_ID' }],
    [
      'fail/empty accept list refuses everyone',
      san('spiffe://example.test/web/w-1'),
      [],
      { ok: false, reason: 'TYPE_NOT_ALLOWED' },
    ],
  ])('%s', (_name, subjectAltName, allowed, want) => {
    expect(authorizePeer(subjectAltName, 'example.test', allowed)).toMatchObject(want);
  });
});
