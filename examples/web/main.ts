/**
 * The `web` example service: the edge of the demo chain. `GET /page/<id>` loads the order from
 * `api` through its sidecar (`--peer api=host:port`); 502 UPSTREAM_FAILED when that fails.
 *
 * `GET /probe/db` tries to read from `db` directly (`--peer db=host:port`, an outbound route the
 * demo gives web's sidecar on purpose). The mesh does not allow web → db, so db's sidecar refuses
 * web's certificate: the answer is 502 PEER_REFUSED. A 200 would mean the matrix leaked, and is
 * answered as `{"reached":true}` so the caller can count it as a breach.
 *
 * Run: `node tools/scripts/run-ts.js examples/web/main.ts --port N --peer api=H:P [--peer db=H:P]`.
 */
import { runService } from '../lib/http-service';

runService('web', process.argv.slice(2), (args, peers) => (path, send) => {
  if (path === '/') return send(200, { service: 'web', instance: args.instance });
  if (path === '/probe/db') {
    void peers.get('db', '/rows/1').then((r) => {
      if (r.ok && r.status === 200) send(200, { reached: true, db: r.body });
      else send(502, { error: 'PEER_REFUSED', peer: 'db', detail: r.ok ? `status ${r.status}` : r.error });
    });
    return;
  }
  const m = /^\/page\/(\d{1,9})$/.exec(path);
  if (!m) return send(404, { error: 'NOT_FOUND' });
  void peers.get('api', `/orders/${m[1]}`).then((r) => {
    if (r.ok && r.status === 200)
      send(200, { service: 'web', instance: args.instance, page: Number(m[1]), api: r.body });
    else send(502, { error: 'UPSTREAM_FAILED', peer: 'api', detail: r.ok ? `status ${r.status}` : r.error });
  });
});
