/**
 * The `db` example service: the end of the demo chain. It owns a tiny in-memory table and calls
 * nobody. `GET /rows/<id>` answers the row; `GET /` names the instance.
 *
 * Run: `node tools/scripts/run-ts.js examples/db/main.ts --port N [--instance ID]`.
 */
import { runService } from '../lib/http-service';

/** A deterministic row for an id (the "table" has every id). */
function row(id: number): { id: number; name: string; stock: number } {
  return { id, name: `item-${id}`, stock: (id * 7919) % 1000 };
}

runService('db', process.argv.slice(2), (args) => (path, send) => {
  if (path === '/') return send(200, { service: 'db', instance: args.instance });
  const m = /^\/rows\/(\d{1,9})$/.exec(path);
  if (!m) return send(404, { error: 'NOT_FOUND' });
  send(200, { service: 'db', instance: args.instance, row: row(Number(m[1])) });
});
