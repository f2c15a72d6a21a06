import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMeshConfig } from '@trustmesh/policy';
import { GeneratorError } from './errors';
import { addServiceType, removeServiceType, type NewServiceType } from './mesh-edit';

const PAYMENTS: NewServiceType = { name: 'payments', accepts: ['api'], dials: ['db'] };

/** Each case: a mesh text, the type added, and the exact text after the add. */
const CASES: { name: string; before: string; add: NewServiceType; after: string }[] = [
  {
    name: 'ok/flow bodies, aligned column, comments kept',
    before: [
      '# head',
      'trustDomain: example.test',
      'types:',
      '  # front',
      '  web: { dials: [api] }',
      '  api: { accepts: [web], dials: [db], leafTtl: 24h }  # middle',
      '  db:  { accepts: [api] }',
      '# tail',
      '',
    ].join('\n'),
    add: PAYMENTS,
    after: [
      '# head',
      'trustDomain: example.test',
      'types:',
      '  # front',
      '  web: { dials: [api] }',
      '  api: { accepts: [web], dials: [db, payments], leafTtl: 24h }  # middle',
      '  db:  { accepts: [api, payments] }',
      '  payments: { accepts: [api], dials: [db] }',
      '# tail',
      '',
    ].join('\n'),
  },
  {
    name: 'ok/short name keeps the aligned value column; padded flow lists stay padded',
    before: 'trustDomain: t.test\ntypes:\n  web:  {dials: [ api ]}\n  api:  {accepts: [ web ]}\n',
    add: { name: 'db', accepts: ['web'], dials: ['api'], leafTtl: '1h' },
    after:
      'trustDomain: t.test\ntypes:\n  web:  {dials: [ api, db ]}\n  api:  {accepts: [ web, db ]}\n' +
      '  db:   {accepts: [ web ], dials: [ api ], leafTtl: 1h}\n',
  },
  {
    name: 'ok/block bodies get block lists; a missing list is created in block style',
    before:
      'trustDomain: t.test\ntypes:\n  web:\n    dials:\n      - api   # c\n  api:\n    accepts:\n      - web\n  db:\n',
    add: { name: 'pay', accepts: ['api', 'web'], dials: ['db'] },
    after:
      'trustDomain: t.test\ntypes:\n  web:\n    dials:\n      - api   # c\n      - pay\n  api:\n    accepts:\n      - web\n' +
      '    dials:\n      - pay\n  db:\n    accepts:\n      - pay\n' +
      '  pay:\n    accepts:\n      - api\n      - web\n    dials:\n      - db\n',
  },
  {
    name: 'ok/empty flow body and a missing final newline',
    before: 'trustDomain: t.test\ntypes:\n  db: {}\n  api: {}',
    add: { name: 'web', accepts: [], dials: ['db'] },
    after: 'trustDomain: t.test\ntypes:\n  db: { accepts: [web] }\n  api: {}\n  web: { dials: [db] }\n',
  },
];

describe('addServiceType / removeServiceType', () => {
  it.each(CASES)('$name', ({ before, add, after }) => {
    const added = addServiceType(before, add);
    expect(added).toBe(after);
    // The result is a valid, symmetric mesh with the new type as asked.
    const type = parseMeshConfig(added).types[add.name];
    expect([type.accepts, type.dials]).toEqual([[...add.accepts].sort(), [...add.dials].sort()]);
  });

  it.each(CASES.filter((c) => c.before.endsWith('\n') && !c.before.includes('{}')))(
    'ok/remove after add gives the original bytes ($name)',
    ({ before, add }) => {
      expect(removeServiceType(addServiceType(before, add), add.name)).toBe(before);
    },
  );

  it('ok/remove takes a hand-added type and its edges out, keeping other lines', () => {
    const text =
      'trustDomain: t.test\ntypes:\n  a: { dials: [b, c] }  # x\n  b: { accepts: [a] }\n  c: { accepts: [a] }\n';
    expect(removeServiceType(text, 'b')).toBe(
      'trustDomain: t.test\ntypes:\n  a: { dials: [c] }  # x\n  c: { accepts: [a] }\n',
    );
  });

  it('ok/a bare `db:` gets a flow body; remove leaves `db: {}` (the documented exception)', () => {
    const text = 'trustDomain: t.test\ntypes:\n  api: { dials: [web] }\n  web: { accepts: [api] }\n  db:\n';
    const added = addServiceType(text, { name: 'pay', accepts: [], dials: ['db'] });
    expect(added).toBe(
      'trustDomain: t.test\ntypes:\n  api: { dials: [web] }\n  web: { accepts: [api] }\n  db: { accepts: [pay] }\n  pay: { dials: [db] }\n',
    );
    expect(removeServiceType(added, 'pay')).toBe(text.replace('  db:\n', '  db: {}\n'));
  });

  it.each([
    { name: 'fail/existing type', text: 'trustDomain: t.test\ntypes:\n  db: {}\n', code: 'TYPE_EXISTS' },
    { name: 'fail/flow-style types map', text: 'trustDomain: t.test\ntypes: { db: {} }\n', code: 'CONFIG_UNSUPPORTED' },
    { name: 'fail/YAML syntax error', text: 'trustDomain: [\n', code: 'CONFIG_INVALID' },
  ])('$name', ({ text, code }) => {
    const run = () => addServiceType(text, { name: 'db', accepts: [], dials: ['db'] });
    expect(run).toThrow(GeneratorError);
    expect(run).toThrow(expect.objectContaining({ code }));
  });
});

describe('the workspace trustmesh.yaml', () => {
  const text = readFileSync(join(__dirname, '../../../../trustmesh.yaml'), 'utf8');

  it('ok/is the demo mesh of the root README: web -> api -> db', () => {
    const mesh = parseMeshConfig(text);
    expect(mesh.trustDomain).toBe('example.test');
    expect(Object.values(mesh.types).map((t) => [t.name, t.accepts, t.dials, t.leafTtlSeconds])).toEqual([
      ['web', [], ['api'], 86_400],
      ['api', ['web'], ['db'], 86_400],
      ['db', ['api'], [], 86_400],
    ]);
  });

  it('ok/add then remove of a type gives back its exact bytes', () => {
    expect(removeServiceType(addServiceType(text, PAYMENTS), 'payments')).toBe(text);
  });
});
