/**
 * The demo's generated configs are judged by their real parsers: every sidecar.yaml by the
 * sidecar's parseConfig, the short-lived mesh copy by @trustmesh/policy.
 */
import { LAYOUT } from '@trustmesh/ca';
import { parseMeshConfig } from '@trustmesh/policy';
import { parseConfig } from '@trustmesh/sidecar';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoError } from './demo-error';
import { shortLivedMesh } from './demo-state';
import { REPO_ROOT } from './mesh';
import { assignPorts, PORT_COUNT, serviceArgs, sidecarYaml } from './sidecar-configs';

const ports = assignPorts(Array.from({ length: PORT_COUNT }, (_, i) => 20000 + i));
const signer = { port: ports.signer, caFile: `/s/${LAYOUT.platformRoot}`, tokenFile: (s: string) => `/d/${s}.token` };

describe('demo sidecar configs', () => {
  it('ok/ports are distinct and all used', () => {
    const all = [ports.signer, ...Object.values(ports.web), ...Object.values(ports.api), ...Object.values(ports.db)];
    expect(new Set(all).size).toBe(PORT_COUNT);
  });

  it('ok/web dials api and (on purpose) db; api accepts web and dials db; db accepts only api', () => {
    const web = parseConfig(sidecarYaml('web', ports, signer));
    const api = parseConfig(sidecarYaml('api', ports, signer));
    const db = parseConfig(sidecarYaml('db', ports, signer));
    expect(web.inbound).toEqual([]);
    expect(web.outbound.map((r) => [r.name, r.peerType, r.connect.port])).toEqual([
      ['api', 'api', ports.api.inbound],
      ['db-direct', 'db', ports.db.inbound],
    ]);
    expect(api.inbound.map((r) => [r.accept, r.forward.port])).toEqual([[['web'], ports.api.svc]]);
    expect(api.outbound.map((r) => [r.peerType, r.connect.port])).toEqual([['db', ports.db.inbound]]);
    expect(db.inbound.map((r) => [r.accept, r.forward.port])).toEqual([[['api'], ports.db.svc]]);
    expect(db).toMatchObject({
      serviceType: 'db',
      instanceId: 'db-1',
      signer: { tokenFile: '/d/db.token', caFile: `/s/${LAYOUT.platformRoot}` },
    });
    expect(db.limits.drainTimeoutMs).toBe(3000);
  });

  it('ok/db can forward to another target (PostgreSQL in the e2e test)', () => {
    const db = parseConfig(sidecarYaml('db', ports, signer, { dbForward: { host: '127.0.0.1', port: 5999 } }));
    expect(db.inbound[0].forward).toEqual({ host: '127.0.0.1', port: 5999 });
  });

  it("ok/services reach peers only through their sidecar's outbound listeners", () => {
    expect(serviceArgs('web', ports)).toEqual([
      '--port',
      String(ports.web.svc),
      '--instance',
      'web-1',
      '--peer',
      `api=127.0.0.1:${ports.web.outApi}`,
      '--peer',
      `db=127.0.0.1:${ports.web.outDb}`,
    ]);
    expect(serviceArgs('api', ports)).toContain(`db=127.0.0.1:${ports.api.outDb}`);
    expect(serviceArgs('db', ports)).not.toContain('--peer');
  });
});

describe('shortLivedMesh', () => {
  it('ok/the workspace mesh with leafTtl 1m everywhere, matrix kept', () => {
    const mesh = parseMeshConfig(shortLivedMesh(join(REPO_ROOT, 'trustmesh.yaml'), '1m'));
    const original = parseMeshConfig(readFileSync(join(REPO_ROOT, 'trustmesh.yaml'), 'utf8'));
    expect(mesh.trustDomain).toBe(original.trustDomain);
    for (const [name, t] of Object.entries(original.types)) {
      expect(mesh.types[name]).toMatchObject({
        accepts: t.accepts,
        dials: t.dials,
        keyTypes: t.keyTypes,
        leafTtlSeconds: 60,
      });
    }
  });

  it.each([
    { name: 'fail/missing file', text: undefined },
    { name: 'fail/not a mesh config', text: 'types: 3\n' },
  ])('$name → SETUP_FAILED', ({ text }) => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-demo-mesh-'));
    try {
      const file = join(dir, 'trustmesh.yaml');
      if (text !== undefined) writeFileSync(file, text);
      expect(() => shortLivedMesh(file, '1m')).toThrow(DemoError);
      expect(() => shortLivedMesh(file, '1m')).toThrow(expect.objectContaining({ code: 'SETUP_FAILED' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
