/**
 * The L4 proxy carries a real protocol: a real PostgreSQL 15 server (Debian's binaries, started
 * by the test) sits behind db's sidecar, and the real `psql` talks to it through api's outbound
 * (api's identity, mTLS to db's inbound). web's outbound to the same inbound is refused.
 */
import { spawnSync } from 'node:child_process';
import { freePorts } from './ports';
import { withMesh } from './testing/mesh-fixture';
import { postgresAvailable, startPostgres, type TestPostgres } from './testing/postgres';

jest.setTimeout(60_000);

/** `psql` against 127.0.0.1:port as postgres (trust auth, no TLS: the sidecars do mTLS). */
function psql(port: number, sql: string): { code: number; out: string } {
  const r = spawnSync(
    'psql',
    [
      '-X',
      '-A',
      '-t',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      sql,
      `host=127.0.0.1 port=${port} user=postgres dbname=postgres sslmode=disable connect_timeout=5`,
    ],
    { encoding: 'utf8', timeout: 15_000 },
  );
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

describe("PostgreSQL behind the db sidecar (psql through api's outbound)", () => {
  let pg: TestPostgres | undefined;

  beforeAll(async () => {
    // Fail loudly rather than skip: the machine and CI have PostgreSQL 15 (docs/TOOLCHAIN.md).
    expect(postgresAvailable()).toBe(true);
    pg = startPostgres((await freePorts(1))[0]);
  });
  afterAll(() => pg?.stop());

  it("ok/create, insert and select through the mesh; fail/web's identity gets no session", async () => {
    const server = pg as TestPostgres;
    await withMesh({ startDb: false, dbForward: { host: '127.0.0.1', port: server.port } }, async (mesh, died) => {
      const viaApi = mesh.ports.api.outDb;
      expect(psql(viaApi, 'CREATE TABLE orders (id int PRIMARY KEY, item text)')).toMatchObject({ code: 0 });
      expect(psql(viaApi, "INSERT INTO orders SELECT g, 'item-' || g FROM generate_series(1, 500) g")).toMatchObject({
        code: 0,
      });
      expect(psql(viaApi, 'SELECT count(*), max(item) FROM orders')).toEqual({ code: 0, out: '500|item-99' });
      // Several sessions in a row: each is a new TLS connection through both sidecars.
      for (let i = 0; i < 5; i++)
        expect(psql(viaApi, `SELECT item FROM orders WHERE id = ${i + 1}`)).toEqual({ code: 0, out: `item-${i + 1}` });

      const viaWeb = psql(mesh.ports.web.outDb, 'SELECT 1');
      expect(viaWeb.code).not.toBe(0);
      expect(viaWeb.out).toMatch(/server closed the connection|connection to server .* failed|Connection reset/i);
      expect(died).toEqual([]);
    });
  });
});
