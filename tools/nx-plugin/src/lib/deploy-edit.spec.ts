import { GeneratorError } from './errors';
import { addRoute, removeTypeFromSidecar } from './deploy-edit';
import { addPeerArg, removePeerArg, servePort } from './serve-peers';

const OUT: [string, string][] = [
  ['name', 'pay'],
  ['listen', '127.0.0.1:9'],
  ['connect', '127.0.0.1:8'],
  ['peerType', 'pay'],
];

describe('addRoute', () => {
  it.each([
    {
      name: 'ok/flow-map items get a flow-map item',
      before:
        'serviceType: a\noutbound:\n  - { name: db, listen: 127.0.0.1:1, connect: 127.0.0.1:2, peerType: db }\nadmin: { listen: 127.0.0.1:3 }\n',
      after:
        'serviceType: a\noutbound:\n  - { name: db, listen: 127.0.0.1:1, connect: 127.0.0.1:2, peerType: db }\n' +
        '  - { name: pay, listen: 127.0.0.1:9, connect: 127.0.0.1:8, peerType: pay }\nadmin: { listen: 127.0.0.1:3 }\n',
    },
    {
      name: 'ok/block items at their own indentation',
      before: 'outbound:\n- name: db\n  listen: 127.0.0.1:1\n  connect: 127.0.0.1:2\n  peerType: db  # last\n',
      after:
        'outbound:\n- name: db\n  listen: 127.0.0.1:1\n  connect: 127.0.0.1:2\n  peerType: db  # last\n' +
        '- name: pay\n  listen: 127.0.0.1:9\n  connect: 127.0.0.1:8\n  peerType: pay\n',
    },
    {
      name: 'ok/a missing list goes before admin and its comment',
      before: 'serviceType: a\n# the admin port\nadmin:\n  listen: 127.0.0.1:3\n',
      after:
        'serviceType: a\noutbound:\n  - name: pay\n    listen: 127.0.0.1:9\n    connect: 127.0.0.1:8\n    peerType: pay\n' +
        '# the admin port\nadmin:\n  listen: 127.0.0.1:3\n',
    },
  ])('$name', ({ before, after }) => {
    const added = addRoute(before, 'f.yaml', 'outbound', OUT);
    expect(added).toBe(after);
    expect(removeTypeFromSidecar(added, 'f.yaml', 'pay')).toBe(before);
  });

  it.each([
    { name: 'fail/flow-style list', text: 'outbound: [{ name: db }]\n', code: 'CONFIG_UNSUPPORTED' },
    { name: 'fail/not a mapping', text: '- a\n', code: 'CONFIG_UNSUPPORTED' },
    { name: 'fail/YAML syntax', text: 'outbound: [\n', code: 'CONFIG_INVALID' },
  ])('$name', ({ text, code }) => {
    const run = () => addRoute(text, 'f.yaml', 'outbound', OUT);
    expect(run).toThrow(GeneratorError);
    expect(run).toThrow(expect.objectContaining({ code }));
  });
});

describe('removeTypeFromSidecar', () => {
  it('ok/drops the type from accept lists, routes left empty and outbound routes to it', () => {
    const text = [
      'inbound:',
      '  - { name: a, listen: 127.0.0.1:1, forward: 127.0.0.1:2, accept: [pay] }',
      '  - { name: b, listen: 127.0.0.1:3, forward: 127.0.0.1:2, accept: [web, pay, api] }',
      'outbound:',
      '  - { name: p1, listen: 127.0.0.1:4, connect: 127.0.0.1:5, peerType: pay }',
      '  - { name: db, listen: 127.0.0.1:6, connect: 127.0.0.1:7, peerType: db }',
      '',
    ].join('\n');
    expect(removeTypeFromSidecar(text, 'f.yaml', 'pay')).toBe(
      [
        'inbound:',
        '  - { name: b, listen: 127.0.0.1:3, forward: 127.0.0.1:2, accept: [web, api] }',
        'outbound:',
        '  - { name: db, listen: 127.0.0.1:6, connect: 127.0.0.1:7, peerType: db }',
        '',
      ].join('\n'),
    );
  });
});

describe('serve command --peer arguments', () => {
  const PROJECT = '{\n  "targets": { "serve": { "options": { "command": "node m.ts --port 7100" } } }\n}\n';
  it('ok/add then remove restores the file; --port is read', () => {
    const added = addPeerArg(PROJECT, 'db', '127.0.0.1:7101');
    expect(added).toBe(PROJECT.replace('--port 7100', '--port 7100 --peer db=127.0.0.1:7101'));
    expect(removePeerArg(added!, 'db')).toBe(PROJECT);
    expect(servePort(PROJECT)).toBe(7100);
  });

  it.each([
    { name: 'fail/no serve target', text: '{ "targets": {} }' },
    { name: 'fail/not JSON', text: '{' },
  ])('$name: nothing to edit', ({ text }) => {
    expect(addPeerArg(text, 'db', '127.0.0.1:1')).toBeNull();
    expect(removePeerArg(text, 'db')).toBe(text);
    expect(servePort(text)).toBeUndefined();
  });
});
