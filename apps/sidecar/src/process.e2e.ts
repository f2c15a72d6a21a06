/**
 * The sidecar as a real process: started from a config, carrying traffic, and on SIGTERM
 * stopping to accept, draining an open connection and exiting 0.
 */
import { collect, dial, readBytes, startTcpServer } from './testing/net-helpers';
import { apiInboundYaml, spawnSidecar } from './testing/spawn-sidecar';
import { createTestCa, issueTestIdentity } from './testing/test-mesh';
import { tlsDial } from './testing/tls-client';

it('ok/SIGTERM: stop accepting, drain the open connection, exit 0', async () => {
  const now = new Date();
  const [web, api] = ['web', 'api'].map((t) => createTestCa(t, now));
  const echo = await startTcpServer();
  const yaml = apiInboundYaml(echo.port, '{ drainTimeout: 2s }');
  const side = await spawnSidecar(yaml, issueTestIdentity(api, { now }), [web, api]);
  try {
    const s = await tlsDial(side.ports.http, { identity: issueTestIdentity(web, { now }), roots: [api.root] });
    s.write('before');
    expect((await readBytes(s, 6)).toString()).toBe('before');
    side.child.kill('SIGTERM');
    // Stops accepting quickly…
    const deadline = Date.now() + 2000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      refused = await dial(side.ports.http).then(
        (c) => {
          c.destroy();
          return false;
        },
        () => true,
      );
      if (!refused) await new Promise((r) => setTimeout(r, 20));
    }
    expect(refused).toBe(true);
    // …while the open connection still works, and the exit waits for it.
    s.write('during');
    expect((await readBytes(s, 6)).toString()).toBe('during');
    s.end();
    await collect(s);
    expect(await side.exited).toBe(0);
    expect(side.stderr()).toContain('"event":"shutdown_done","connections_cut":0');
  } finally {
    if (side.child.exitCode === null) side.child.kill('SIGKILL');
    await echo.close();
  }
}, 20_000);
