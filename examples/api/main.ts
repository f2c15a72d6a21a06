/**
 * The `api` example service: the middle of the demo chain. `GET /orders/<id>` reads the row from
 * `db` through its sidecar's outbound listener (`--peer db=host:port`) and answers the order;
 * 502 UPSTREAM_FAILED when the call to db fails. `GET /` names the instance.
 *
 * Run: `node tools/scripts/run-ts.js examples/api/main.ts --port N --peer db=127.0.0.1:P`.
 */
import { runService } from '../lib/http-service';

runService('api', process.argv.slice(2), (args, peers) => (path, send) => {
  if (path === '/') return send(200, { service: 'api', instance: args.instance });
  const m = /^\/orders\/(\d{1,9})$/.exec(path);
  if (!m) return send(404, { error: 'NOT_FOUND' });
  void peers.get('db', `/rows/${m[1]}`).then((r) => {
    if (r.ok && r.status === 200)
      send(200, { service: 'api', instance: args.instance, order: Number(m[1]), db: r.body });
    else send(502, { error: 'UPSTREAM_FAILED', peer: 'db', detail: r.ok ? `status ${r.status}` : r.error });
  });
});
