import { PolicyError, PolicyErrorCode, SignRequestCsr, evaluateSignRequest, parseMeshConfig } from './index';

const MESH = parseMeshConfig(`trustDomain: example.test
types:
  web: { dials: [api], dnsTemplates: ['{instance}.{type}.svc', '{type}.{trustDomain}'] }
  api: { accepts: [web], leafTtl: 1h, maxTtl: 12h, keyTypes: [ec-p256, rsa], allowIpSans: true }
`);

function csr(over: Partial<SignRequestCsr> & { dns?: string[]; uris?: string[]; ips?: string[] } = {}): SignRequestCsr {
  return {
    publicKey: over.publicKey ?? { algorithm: 'ec-p256', bits: 256 },
    sans: { dns: over.dns ?? [], uris: over.uris ?? [], ips: over.ips ?? [] },
    extensions: over.extensions ?? [],
    isCaRequested: over.isCaRequested ?? false,
  };
}

const SAN = { oid: '2.5.29.17', critical: false };

describe('evaluateSignRequest', () => {
  it('fail/a valid instance id that cannot form a DNS name under a template (too long) → INSTANCE_ID_INVALID', () => {
    const td = `${'t'.repeat(63)}.${'t'.repeat(63)}.${'t'.repeat(63)}.test`;
    const mesh = parseMeshConfig(`trustDomain: ${td}\ntypes:\n  web: { dnsTemplates: ['{instance}.{trustDomain}'] }\n`);
    expect(() => evaluateSignRequest(mesh, { serviceType: 'web', instanceId: 'i'.repeat(60), csr: csr() })).toThrow(
      expect.objectContaining({ code: 'INSTANCE_ID_INVALID' }),
    );
    expect(evaluateSignRequest(mesh, { serviceType: 'web', instanceId: 'i-1', csr: csr() }).sans.dns).toEqual([
      `i-1.${td}`,
    ]);
  });

  const oks: [string, Parameters<typeof evaluateSignRequest>[1], ReturnType<typeof evaluateSignRequest>][] = [
    [
      'ok/no SANs requested: the policy fills in URI and every template name',
      { serviceType: 'web', instanceId: 'web-1', csr: csr() },
      {
        spiffeId: 'spiffe://example.test/web/web-1',
        sans: { dns: ['web-1.web.svc', 'web.example.test'], uris: ['spiffe://example.test/web/web-1'], ips: [] },
        ttlSeconds: 86400,
      },
    ],
    [
      'ok/exact URI and a subset of template names (case-insensitive)',
      {
        serviceType: 'web',
        instanceId: 'w.zone-a',
        csr: csr({ uris: ['spiffe://example.test/web/w.zone-a'], dns: ['W.ZONE-A.web.svc'], extensions: [SAN] }),
      },
      {
        spiffeId: 'spiffe://example.test/web/w.zone-a',
        sans: { dns: ['w.zone-a.web.svc', 'web.example.test'], uris: ['spiffe://example.test/web/w.zone-a'], ips: [] },
        ttlSeconds: 86400,
      },
    ],
    [
      'ok/RSA 2048 where allowed, IP SANs where allowed, requested ttl capped at maxTtl',
      {
        serviceType: 'api',
        instanceId: 'a1',
        requestedTtlSeconds: 86400 * 30,
        csr: csr({
          publicKey: { algorithm: 'rsa', bits: 2048 },
          ips: ['10.0.0.1', '::1', '10.0.0.1'],
          extensions: [{ ...SAN, critical: true }],
        }),
      },
      {
        spiffeId: 'spiffe://example.test/api/a1',
        sans: { dns: [], uris: ['spiffe://example.test/api/a1'], ips: ['10.0.0.1', '::1'] },
        ttlSeconds: 43200,
      },
    ],
    [
      'ok/the shortest lifetime, 10 s, is honoured',
      { serviceType: 'api', instanceId: 'a1', requestedTtlSeconds: 10, csr: csr() },
      {
        spiffeId: 'spiffe://example.test/api/a1',
        sans: { dns: [], uris: ['spiffe://example.test/api/a1'], ips: [] },
        ttlSeconds: 10,
      },
    ],
    [
      'ok/default ttl is leafTtl; a shorter request is honoured',
      { serviceType: 'api', instanceId: 'a1', requestedTtlSeconds: 600, csr: csr() },
      {
        spiffeId: 'spiffe://example.test/api/a1',
        sans: { dns: [], uris: ['spiffe://example.test/api/a1'], ips: [] },
        ttlSeconds: 600,
      },
    ],
    [
      'ok/non-critical keyUsage, extKeyUsage and basicConstraints(cA=false) are tolerated and ignored',
      {
        serviceType: 'api',
        instanceId: 'a1',
        csr: csr({
          extensions: [
            { oid: '2.5.29.15', critical: false },
            { oid: '2.5.29.37', critical: false },
            { oid: '2.5.29.19', critical: false },
          ],
        }),
      },
      {
        spiffeId: 'spiffe://example.test/api/a1',
        sans: { dns: [], uris: ['spiffe://example.test/api/a1'], ips: [] },
        ttlSeconds: 3600,
      },
    ],
  ];
  it.each(oks)('%s', (_n, req, want) => {
    const got = evaluateSignRequest(MESH, req);
    expect(got).toEqual(want);
  });

  const fails: [string, Parameters<typeof evaluateSignRequest>[1], PolicyErrorCode][] = [
    ['fail/unknown type', { serviceType: 'db', instanceId: 'd1', csr: csr() }, 'TYPE_UNKNOWN'],
    ['fail/reserved type platform', { serviceType: 'platform', instanceId: 'p1', csr: csr() }, 'TYPE_UNKNOWN'],
    ['fail/prototype key as type', { serviceType: 'constructor', instanceId: 'p1', csr: csr() }, 'TYPE_UNKNOWN'],
    [
      'fail/instance with path traversal',
      { serviceType: 'api', instanceId: '../x', csr: csr() },
      'INSTANCE_ID_INVALID',
    ],
    ['fail/instance with double dot', { serviceType: 'api', instanceId: 'a..b', csr: csr() }, 'INSTANCE_ID_INVALID'],
    ['fail/instance with slash', { serviceType: 'api', instanceId: 'a/b', csr: csr() }, 'INSTANCE_ID_INVALID'],
    ['fail/instance with space', { serviceType: 'api', instanceId: 'a b', csr: csr() }, 'INSTANCE_ID_INVALID'],
    ['fail/instance upper case', { serviceType: 'api', instanceId: 'A1', csr: csr() }, 'INSTANCE_ID_INVALID'],
    [
      'fail/instance of 64 chars',
      { serviceType: 'api', instanceId: 'a'.repeat(64), csr: csr() },
      'INSTANCE_ID_INVALID',
    ],
    [
      'fail/instance with an underscore (the signer used to issue it, no sidecar accepted it)',
      { serviceType: 'api', instanceId: 'db_1', csr: csr() },
      'INSTANCE_ID_INVALID',
    ],
    [
      'fail/CA requested',
      {
        serviceType: 'api',
        instanceId: 'a1',
        csr: csr({ isCaRequested: true, extensions: [{ oid: '2.5.29.19', critical: true }] }),
      },
      'CA_REQUESTED',
    ],
    [
      'fail/unknown extension',
      {
        serviceType: 'api',
        instanceId: 'a1',
        csr: csr({ extensions: [SAN, { oid: '1.3.6.1.5.5.7.1.1', critical: false }] }),
      },
      'EXTENSION_NOT_ALLOWED',
    ],
    [
      'fail/critical keyUsage',
      { serviceType: 'api', instanceId: 'a1', csr: csr({ extensions: [{ oid: '2.5.29.15', critical: true }] }) },
      'EXTENSION_NOT_ALLOWED',
    ],
    [
      'fail/nameConstraints',
      { serviceType: 'api', instanceId: 'a1', csr: csr({ extensions: [{ oid: '2.5.29.30', critical: false }] }) },
      'EXTENSION_NOT_ALLOWED',
    ],
    [
      'fail/RSA where not allowed',
      { serviceType: 'web', instanceId: 'w1', csr: csr({ publicKey: { algorithm: 'rsa', bits: 4096 } }) },
      'KEY_TYPE_NOT_ALLOWED',
    ],
    [
      'fail/unknown key algorithm',
      { serviceType: 'web', instanceId: 'w1', csr: csr({ publicKey: { algorithm: 'dsa', bits: 2048 } }) },
      'KEY_TYPE_NOT_ALLOWED',
    ],
    [
      'fail/RSA 1024',
      { serviceType: 'api', instanceId: 'a1', csr: csr({ publicKey: { algorithm: 'rsa', bits: 1024 } }) },
      'KEY_TOO_WEAK',
    ],
    [
      'fail/URI of another instance',
      { serviceType: 'api', instanceId: 'a1', csr: csr({ uris: ['spiffe://example.test/api/a2'] }) },
      'URI_SAN_MISMATCH',
    ],
    [
      'fail/URI of another type',
      { serviceType: 'api', instanceId: 'a1', csr: csr({ uris: ['spiffe://example.test/web/a1'] }) },
      'URI_SAN_MISMATCH',
    ],
    [
      'fail/URI of another trust domain',
      { serviceType: 'api', instanceId: 'a1', csr: csr({ uris: ['spiffe://evil.test/api/a1'] }) },
      'URI_SAN_MISMATCH',
    ],
    [
      'fail/two URIs',
      {
        serviceType: 'api',
        instanceId: 'a1',
        csr: csr({ uris: ['spiffe://example.test/api/a1', 'spiffe://example.test/api/a1'] }),
      },
      'URI_SAN_MISMATCH',
    ],
    [
      'fail/DNS name outside the templates',
      { serviceType: 'web', instanceId: 'w1', csr: csr({ dns: ['w1.web.svc', 'evil.example.com'] }) },
      'SAN_NOT_ALLOWED',
    ],
    [
      'fail/DNS name of another instance',
      { serviceType: 'web', instanceId: 'w1', csr: csr({ dns: ['w2.web.svc'] }) },
      'SAN_NOT_ALLOWED',
    ],
    [
      'fail/any DNS name for a type without templates',
      { serviceType: 'api', instanceId: 'a1', csr: csr({ dns: ['a1.api.svc'] }) },
      'SAN_NOT_ALLOWED',
    ],
    [
      'fail/IP SAN where not allowed',
      { serviceType: 'web', instanceId: 'w1', csr: csr({ ips: ['10.0.0.1'] }) },
      'SAN_NOT_ALLOWED',
    ],
    [
      'fail/malformed IP SAN',
      { serviceType: 'api', instanceId: 'a1', csr: csr({ ips: ['10.0.0.256'] }) },
      'SAN_NOT_ALLOWED',
    ],
    ['fail/ttl zero', { serviceType: 'api', instanceId: 'a1', requestedTtlSeconds: 0, csr: csr() }, 'TTL_INVALID'],
    ['fail/ttl negative', { serviceType: 'api', instanceId: 'a1', requestedTtlSeconds: -5, csr: csr() }, 'TTL_INVALID'],
    [
      'fail/ttl fractional',
      { serviceType: 'api', instanceId: 'a1', requestedTtlSeconds: 90.5, csr: csr() },
      'TTL_INVALID',
    ],
    [
      'fail/ttl below ten seconds',
      { serviceType: 'api', instanceId: 'a1', requestedTtlSeconds: 9, csr: csr() },
      'TTL_INVALID',
    ],
    [
      'fail/ttl NaN',
      { serviceType: 'api', instanceId: 'a1', requestedTtlSeconds: Number.NaN, csr: csr() },
      'TTL_INVALID',
    ],
  ];
  it.each(fails)('%s', (_n, req, code) => {
    let caught: unknown;
    try {
      evaluateSignRequest(MESH, req);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PolicyError);
    expect((caught as PolicyError).code).toBe(code);
  });
});
