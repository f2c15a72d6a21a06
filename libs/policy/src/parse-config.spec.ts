import { PolicyError, parseMeshConfig, meshConfigFromTypes } from './index';

const BASE = `trustDomain: example.test
types:
  web: { dials: [api] }
  api: { accepts: [web], dials: [db], leafTtl: 24h }
  db:  { accepts: [api] }
`;

/** Runs `fn`, expects a PolicyError, returns it. */
function failure(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return err as PolicyError;
  }
  throw new Error('expected a PolicyError');
}

describe('parseMeshConfig', () => {
  it('ok/issue example with defaults applied', () => {
    const mesh = parseMeshConfig(BASE);
    expect(mesh.trustDomain).toBe('example.test');
    expect(Object.keys(mesh.types).sort()).toEqual(['api', 'db', 'web']);
    expect(mesh.types.api).toEqual({
      name: 'api',
      accepts: ['web'],
      dials: ['db'],
      leafTtlSeconds: 86400,
      maxTtlSeconds: 604800,
      keyTypes: ['ec-p256', 'ec-p384', 'ed25519'],
      dnsTemplates: [],
      allowIpSans: false,
    });
  });

  it('ok/result is deep-frozen', () => {
    const mesh = parseMeshConfig(BASE);
    expect(Object.isFrozen(mesh)).toBe(true);
    expect(Object.isFrozen(mesh.types)).toBe(true);
    expect(Object.isFrozen(mesh.types.api.accepts)).toBe(true);
    expect(() => (mesh.types.api.accepts as string[]).push('x')).toThrow(TypeError);
  });

  it('ok/every field, an empty type body and a short maxTtl that caps the default leafTtl', () => {
    const mesh = parseMeshConfig(`trustDomain: corp.internal
types:
  api:
    accepts: [db]
    dials: [db]
    leafTtl: 2h
    maxTtl: 1d
    keyTypes: [ec-p256, rsa]
    dnsTemplates: ['{instance}.{type}.svc', '{type}.{trustDomain}']
    allowIpSans: true
  db: { accepts: [api], dials: [api], maxTtl: 30m }
  cache:
`);
    expect(mesh.types.api).toMatchObject({
      leafTtlSeconds: 7200,
      maxTtlSeconds: 86400,
      keyTypes: ['ec-p256', 'rsa'],
      allowIpSans: true,
    });
    expect(mesh.types.api.dnsTemplates).toEqual(['{instance}.{type}.svc', '{type}.{trustDomain}']);
    expect(mesh.types.db).toMatchObject({ leafTtlSeconds: 1800, maxTtlSeconds: 1800 });
    expect(mesh.types.cache).toMatchObject({ accepts: [], dials: [], leafTtlSeconds: 86400 });
  });

  it('ok/a type named like an Object.prototype member is an ordinary own key', () => {
    const mesh = parseMeshConfig('trustDomain: t.test\ntypes:\n  constructor: {}\n');
    expect(Object.keys(mesh.types)).toEqual(['constructor']);
    expect(mesh.types.constructor.name).toBe('constructor');
    expect(Object.getPrototypeOf(mesh.types)).toBe(Object.prototype);
  });

  it('ok/a type may talk to itself when both ends say so', () => {
    const mesh = parseMeshConfig('trustDomain: t.test\ntypes:\n  peer: { accepts: [peer], dials: [peer] }\n');
    expect(mesh.types.peer.dials).toEqual(['peer']);
  });

  const failures: [string, string, { path: string; message: RegExp; line?: number }[]][] = [
    [
      'fail/yaml syntax error carries its line',
      'trustDomain: a.test\ntypes:\n  api: "unterminated\n',
      [{ path: '', message: /^YAML: Missing closing "quote at line 4, column 1$/, line: 4 }],
    ],
    [
      'fail/duplicate key',
      'trustDomain: a.test\ntrustDomain: b.test\ntypes: { a: {} }\n',
      [{ path: '', message: /YAML: .*unique/i, line: 2 }],
    ],
    ['fail/not a mapping', '- a\n- b\n', [{ path: '', message: /mapping/ }]],
    ['fail/empty document', '', [{ path: '', message: /mapping/ }]],
    [
      'fail/unknown top-level field',
      'trustDomain: a.test\ntypes: { a: {} }\nextra: 1\n',
      [{ path: 'extra', message: /unknown field/, line: 3 }],
    ],
    [
      'fail/missing trust domain and types',
      'foo: {}\n',
      [
        { path: 'foo', message: /unknown field/ },
        { path: 'trustDomain', message: /non-empty/ },
        { path: 'types', message: /mapping/ },
      ],
    ],
    [
      'fail/upper-case trust domain',
      'trustDomain: Example.test\ntypes: { a: {} }\n',
      [{ path: 'trustDomain', message: /lowercase/, line: 1 }],
    ],
    [
      'fail/trust domain with a slash',
      'trustDomain: a.test/x\ntypes: { a: {} }\n',
      [{ path: 'trustDomain', message: /lowercase/ }],
    ],
    ['fail/no types', 'trustDomain: a.test\ntypes: {}\n', [{ path: 'types', message: /at least one/ }]],
    [
      'fail/reserved and malformed type names',
      'trustDomain: a.test\ntypes:\n  platform: {}\n  Api: {}\n  admin: {}\n',
      [
        { path: 'types.platform', message: /reserved/, line: 3 },
        { path: 'types.Api', message: /must be 1-31 characters of a-z/, line: 4 },
        { path: 'types.admin', message: /reserved/, line: 5 },
      ],
    ],
    [
      'fail/__proto__ as a type name',
      'trustDomain: a.test\ntypes:\n  __proto__: { dials: [x] }\n  api: {}\n',
      [
        { path: 'types.__proto__', message: /must be 1-31 characters of a-z/ },
        { path: 'types.__proto__.dials[0]', message: /unknown type 'x'/ },
      ],
    ],
    [
      'fail/name too long',
      `trustDomain: a.test\ntypes:\n  ${'a'.repeat(32)}: {}\n`,
      [{ path: `types.${'a'.repeat(32)}`, message: /must be 1-31 characters of a-z/ }],
    ],
    [
      'fail/unknown type field',
      'trustDomain: a.test\ntypes:\n  a: { dialz: [b] }\n',
      [{ path: 'types.a.dialz', message: /unknown field/, line: 3 }],
    ],
    [
      'fail/unknown type referenced',
      'trustDomain: a.test\ntypes:\n  a: { dials: [ghost] }\n',
      [{ path: 'types.a.dials[0]', message: /unknown type 'ghost'/ }],
    ],
    [
      'fail/asymmetric dials',
      'trustDomain: a.test\ntypes:\n  a: { dials: [b] }\n  b: {}\n',
      [{ path: 'types.a.dials[0]', message: /a dials b but b does not accept a/, line: 3 }],
    ],
    [
      'fail/asymmetric accepts',
      'trustDomain: a.test\ntypes:\n  a: {}\n  b: { accepts: [a] }\n',
      [{ path: 'types.b.accepts[0]', message: /b accepts a but a does not dial b/, line: 4 }],
    ],
    [
      'fail/bad durations',
      'trustDomain: a.test\ntypes:\n  a: { leafTtl: 1.5h, maxTtl: 0s }\n  b: { leafTtl: 9s }\n  c: { maxTtl: 400d }\n',
      [
        { path: 'types.a.maxTtl', message: /bad duration/ },
        { path: 'types.a.leafTtl', message: /bad duration/ },
        { path: 'types.b.leafTtl', message: /between/ },
        { path: 'types.c.maxTtl', message: /between/ },
      ],
    ],
    [
      'fail/numeric duration without unit',
      'trustDomain: a.test\ntypes:\n  a: { leafTtl: 3600 }\n',
      [{ path: 'types.a.leafTtl', message: /bad duration/ }],
    ],
    [
      'fail/leafTtl above maxTtl',
      'trustDomain: a.test\ntypes:\n  a: { leafTtl: 2d, maxTtl: 1d }\n  b: { leafTtl: 8d }\n',
      [
        { path: 'types.a.leafTtl', message: /exceed maxTtl/ },
        { path: 'types.b.leafTtl', message: /exceed maxTtl/ },
      ],
    ],
    [
      'fail/key types',
      'trustDomain: a.test\ntypes:\n  a: { keyTypes: [ec-p256, dsa] }\n  b: { keyTypes: [] }\n',
      [
        { path: 'types.a.keyTypes[1]', message: /unknown key type/ },
        { path: 'types.b.keyTypes', message: /at least one/ },
      ],
    ],
    [
      'fail/lists of the wrong shape',
      'trustDomain: a.test\ntypes:\n  a: { dials: b, accepts: [1], dnsTemplates: x }\n',
      [
        { path: 'types.a.accepts[0]', message: /string/ },
        { path: 'types.a.dials', message: /list/ },
        { path: 'types.a.dnsTemplates', message: /list/ },
      ],
    ],
    [
      'fail/duplicate list entry',
      'trustDomain: a.test\ntypes:\n  a: { accepts: [b, b] }\n  b: { dials: [a] }\n',
      [{ path: 'types.a.accepts[1]', message: /duplicate/ }],
    ],
    [
      'fail/dns templates',
      "trustDomain: a.test\ntypes:\n  a: { dnsTemplates: ['{instance}.{zone}', '*.{type}.svc', '{instance}.API', ''] }\n",
      [
        { path: 'types.a.dnsTemplates[0]', message: /unknown placeholder \{zone\}/ },
        { path: 'types.a.dnsTemplates[1]', message: /not a lowercase DNS name/ },
        { path: 'types.a.dnsTemplates[2]', message: /not a lowercase DNS name/ },
        { path: 'types.a.dnsTemplates[3]', message: /non-empty/ },
      ],
    ],
    [
      'fail/allowIpSans not a boolean',
      "trustDomain: a.test\ntypes:\n  a: { allowIpSans: 'yes' }\n",
      [{ path: 'types.a.allowIpSans', message: /true or false/ }],
    ],
    ['fail/type body is a list', 'trustDomain: a.test\ntypes:\n  a: [b]\n', [{ path: 'types.a', message: /mapping/ }]],
  ];

  it.each(failures)('%s', (_name, text, want) => {
    const err = failure(() => parseMeshConfig(text));
    expect(err.code).toBe('CONFIG_INVALID');
    const got = err.issues ?? [];
    const sortKey = (i: { path: string }) => i.path;
    expect(got.map(sortKey).sort()).toEqual(want.map(sortKey).sort());
    for (const w of want) {
      const match = got.find((g) => g.path === w.path && w.message.test(g.message));
      expect(match).toBeDefined();
      if (w.line !== undefined) expect(match?.line).toBe(w.line);
    }
  });

  it('fail/every problem is reported at once, and in the message', () => {
    const err = failure(() =>
      parseMeshConfig('trustDomain: BAD\ntypes:\n  admin: {}\n  web: { dials: [api], leafTtl: forever }\n  api: {}\n'),
    );
    expect(err.issues?.map((i) => i.path).sort()).toEqual([
      'trustDomain',
      'types.admin',
      'types.web.dials[0]',
      'types.web.leafTtl',
    ]);
    expect(err.message).toContain('types.web.dials[0] (line 4): web dials api but api does not accept web');
  });

  it('fail/oversized input', () => {
    expect(failure(() => parseMeshConfig('#'.repeat(1_048_577))).code).toBe('CONFIG_INVALID');
  });

  it('fail/alias bomb is bounded', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      );
    const err = failure(() => parseMeshConfig(lines.join('\n')));
    expect(err.code).toBe('CONFIG_INVALID');
  });
});

describe('meshConfigFromTypes', () => {
  it('ok/types with defaults and no edges', () => {
    const mesh = meshConfigFromTypes('example.test', ['api', 'db']);
    expect(mesh.types.api).toMatchObject({ accepts: [], dials: [], leafTtlSeconds: 86400 });
    expect(Object.keys(mesh.types)).toEqual(['api', 'db']);
    expect(Object.isFrozen(mesh.types.db)).toBe(true);
  });

  it.each([
    ['fail/reserved name', 'example.test', ['api', 'platform'], ['types.platform']],
    ['fail/duplicate name', 'example.test', ['api', 'api'], ['types.api']],
    ['fail/bad trust domain', 'Example', ['api'], ['trustDomain']],
    ['fail/no types', 'example.test', [], ['types']],
  ])('%s', (_n, td, types, paths) => {
    const err = failure(() => meshConfigFromTypes(td as string, types as string[]));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues?.map((i) => i.path)).toEqual(paths);
  });
});
