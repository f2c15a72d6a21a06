/**
 * Free TCP ports on 127.0.0.1 for the demo's listeners. All are held open until every one is
 * known, so one call never hands out the same port twice; another process may still take one in
 * the short gap before the demo's child binds it (the child then fails and the demo says so).
 */
import { createServer, type Server } from 'node:net';

/** `count` distinct free ports on 127.0.0.1. Rejects when the OS refuses to bind. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const srv = createServer();
      servers.push(srv);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port));
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
