/**
 * The demo mesh through the real processes (signer, three sidecars, three example services) and
 * the real `curl` binary: HTTP crosses web → api → db over two mTLS hops; the trust matrix is
 * enforced — db's sidecar refuses web's certificate, and counts the refusal with its reason.
 */
import { get } from 'node:http';
import { curl, withMesh } from './testing/mesh-fixture';

jest.setTimeout(60_000);

function metrics(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('demo mesh web → api → db (child processes, curl)', () => {
  it('ok/curl through the chain; fail/db refuses web directly (CERT_UNTRUSTED counted), api is accepted', async () => {
    await withMesh({}, async (mesh, died) => {
      const p = mesh.ports;
      // client → web → (web sidecar → mTLS → api sidecar) → api → (api sidecar → mTLS → db sidecar) → db
      const chain = curl(p.web.svc, '/page/7');
      expect(chain).toMatchObject({ code: 0, status: 200 });
      const body = JSON.parse(chain.body) as {
        service: string;
        api: { service: string; db: { service: string; row: { id: number } } };
      };
      expect(body.service).toBe('web');
      expect(body.api.service).toBe('api');
      expect(body.api.db).toMatchObject({ service: 'db', instance: 'db-1', row: { id: 7 } });

      // curl with web's identity (its sidecar's outbound to api) and with api's (its outbound to db).
      expect(curl(p.web.outApi, '/orders/3')).toMatchObject({ code: 0, status: 200 });
      expect(curl(p.api.outDb, '/rows/3')).toMatchObject({ code: 0, status: 200 });

      // web's identity against db's inbound: refused inside the handshake, no HTTP answer at all.
      const direct = curl(p.web.outDb, '/rows/1');
      expect(direct.code).not.toBe(0);
      expect(direct.status).toBe(0);
      // ... and web's own route to db answers 502 PEER_REFUSED.
      const probe = curl(p.web.svc, '/probe/db');
      expect(probe.status).toBe(502);
      expect(JSON.parse(probe.body)).toMatchObject({ error: 'PEER_REFUSED', peer: 'db' });

      const dbMetrics = await metrics(p.db.admin);
      const refused = /trustmesh_sidecar_refusals_total\{[^}]*reason="CERT_UNTRUSTED"[^}]*\} (\d+)/.exec(dbMetrics);
      expect(Number(refused?.[1] ?? 0)).toBeGreaterThanOrEqual(2);
      expect(dbMetrics).toMatch(/trustmesh_sidecar_connections_total\{[^}]*outcome="accepted"[^}]*\} [1-9]/);
      expect(died).toEqual([]);
    });
  });
});
