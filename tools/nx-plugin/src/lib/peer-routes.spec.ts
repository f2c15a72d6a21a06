import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { LAYOUT } from '@trustmesh/ca/layout';
// The product's own parser (eslint.config.cjs allows this import in the plugin's specs only).
import { parseConfig } from '@trustmesh/sidecar';
import { removeServiceTypeGenerator } from '../generators/remove-service-type/generator';
import { serviceTypeGenerator } from '../generators/service-type/generator';

/** Scaffolds as an earlier run would have left them: api (block routes) and web (outbound only). */
const FILES: Record<string, string> = {
  'trustmesh.yaml':
    'trustDomain: example.test\ntypes:\n  web: { dials: [api] }\n  api: { accepts: [web], dials: [db] }\n  db: { accepts: [api] }\n',
  'deploy/api/sidecar.yaml': [
    '# api sidecar',
    'serviceType: api',
    'instanceId: api-1',
    'signer:',
    '  address: 127.0.0.1:7443',
    `  caFile: state/${LAYOUT.platformRoot}`,
    '  tokenFile: state/tokens/api.token',
    'inbound:',
    '  - name: api',
    '    listen: 127.0.0.1:7101',
    '    forward: 127.0.0.1:7100',
    '    accept:',
    '      - web',
    '# to db',
    'outbound:',
    '  - name: db',
    '    listen: 127.0.0.1:7102',
    '    connect: 127.0.0.1:7111',
    '    peerType: db',
    'admin:',
    '  listen: 127.0.0.1:7103',
    '',
  ].join('\n'),
  'deploy/web/sidecar.yaml': [
    'serviceType: web',
    `signer: { address: 127.0.0.1:7443, caFile: state/${LAYOUT.platformRoot}, tokenFile: state/tokens/web.token }`,
    '# plaintext from the service, mTLS to each type it dials',
    'outbound:',
    '  - name: api',
    '    listen: 127.0.0.1:7121',
    '    connect: 127.0.0.1:7101',
    '    peerType: api',
    'admin:',
    '  listen: 127.0.0.1:7122',
    '',
  ].join('\n'),
  'apps/services/api/project.json':
    '{\n  "name": "api",\n  "targets": {\n    "serve": { "options": { "command": "node main.ts --port 7100 --peer db=127.0.0.1:7102" } }\n  }\n}\n',
  'apps/services/web/project.json':
    '{\n  "name": "web",\n  "targets": { "serve": { "options": { "command": "node main.ts --port 7120 --peer api=127.0.0.1:7121" } } }\n}\n',
};

function workspace(): Tree {
  const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  for (const [path, text] of Object.entries(FILES)) tree.write(path, text);
  return tree;
}

describe('peer routes kept in step with the matrix', () => {
  it('ok/accepted api gets an outbound route and --peer; dialed web gets an inbound route', async () => {
    const tree = workspace();
    await serviceTypeGenerator(tree, { name: 'pay', accepts: 'api', dials: 'web' });
    expect(tree.read('deploy/api/sidecar.yaml', 'utf-8')).toBe(
      FILES['deploy/api/sidecar.yaml'].replace(
        '    peerType: db\n',
        '    peerType: db\n  - name: pay\n    listen: 127.0.0.1:7109\n    connect: 127.0.0.1:7105\n    peerType: pay\n',
      ),
    );
    expect(tree.read('deploy/web/sidecar.yaml', 'utf-8')).toBe(
      FILES['deploy/web/sidecar.yaml'].replace(
        '# plaintext from',
        'inbound:\n  - name: web\n    listen: 127.0.0.1:7107\n    forward: 127.0.0.1:7120\n    accept: [pay]\n# plaintext from',
      ),
    );
    expect(tree.read('apps/services/api/project.json', 'utf-8')).toBe(
      FILES['apps/services/api/project.json'].replace(
        'db=127.0.0.1:7102',
        'db=127.0.0.1:7102 --peer pay=127.0.0.1:7109',
      ),
    );
    expect(tree.read('apps/services/web/project.json', 'utf-8')).toBe(FILES['apps/services/web/project.json']);
    expect(tree.read('deploy/pay/sidecar.yaml', 'utf-8')).toContain('    connect: 127.0.0.1:7107\n    peerType: web\n');
  });

  it("ok/every edited file parses with the sidecar's parser", async () => {
    const tree = workspace();
    await serviceTypeGenerator(tree, { name: 'pay', accepts: 'api', dials: 'web' });
    const web = parseConfig(tree.read('deploy/web/sidecar.yaml', 'utf-8') ?? '');
    expect(web.inbound).toEqual([
      {
        name: 'web',
        listen: { host: '127.0.0.1', port: 7107 },
        forward: { host: '127.0.0.1', port: 7120 },
        accept: ['pay'],
      },
    ]);
    const api = parseConfig(tree.read('deploy/api/sidecar.yaml', 'utf-8') ?? '');
    expect(api.outbound.map((r) => r.peerType)).toEqual(['db', 'pay']);
  });

  it('ok/remove --force restores every peer file byte for byte', async () => {
    const tree = workspace();
    await serviceTypeGenerator(tree, { name: 'pay', accepts: 'api,web', dials: 'web,api' });
    await removeServiceTypeGenerator(tree, { name: 'pay', force: true });
    for (const [path, text] of Object.entries(FILES)) expect([path, tree.read(path, 'utf-8')]).toEqual([path, text]);
    expect(tree.exists('deploy/pay')).toBe(false);
  });

  it('ok/a peer without deploy file is left alone (the next steps name it)', async () => {
    const tree = workspace();
    await serviceTypeGenerator(tree, { name: 'pay', dials: 'db' });
    expect(tree.exists('deploy/db')).toBe(false);
    expect(tree.read('deploy/pay/sidecar.yaml', 'utf-8')).toContain('    connect: 127.0.0.1:7106\n    peerType: db\n');
  });
});
