/**
 * 5,000 idle connections against a sidecar process: the connection limit (4,800 here) is
 * enforced — the rest are refused at accept and counted — and the process memory stays bounded.
 */
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import type { Socket } from 'node:net';
import { dial, readBytes, startTcpServer, waitFor } from './testing/net-helpers';
import { apiInboundYaml, spawnSidecar } from './testing/spawn-sidecar';
import { createTestCa, issueTestIdentity } from './testing/test-mesh';
import { tlsDial } from './testing/tls-client';

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

function metrics(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** Connections opened (20 finish TLS, the rest never start it), the sidecar's limit, the RSS bound. */
const IDLE = 5000;
const LIMIT = 4800;
const MAX_GROWTH_MB = 128;

it('ok/5,000 idle connections: up to the limit held, the rest refused, memory bounded', async () => {
  const now = new Date();
  const [web, api] = ['web', 'api'].map((t) => createTestCa(t, now));
  const echo = await startTcpServer();
  const yaml = apiInboundYaml(echo.port, `{ maxConnections: ${LIMIT}, handshakeTimeout: 60s, drainTimeout: 100ms }`);
  const side = await spawnSidecar(yaml, issueTestIdentity(api, { now }), [web, api], true);
  const sockets: Socket[] = [];
  try {
    const pid = side.child.pid as number;
    const before = rssKb(pid);
    const peer = issueTestIdentity(web, { now });
    for (let i = 0; i < 20; i += 1) sockets.push(await tlsDial(side.ports.http, { identity: peer, roots: [api.root] }));
    // Plain TCP connections that never start TLS: they hold a slot until the handshake timeout.
    for (let i = 0; i < IDLE - 20; i += 1) sockets.push(await dial(side.ports.http));
    for (const s of sockets.slice(20)) {
      s.on('error', () => undefined);
      s.resume(); // flowing, so a FIN shows as readableEnded
    }
    const refused = sockets.slice(LIMIT);
    await waitFor(() => refused.every((s) => s.destroyed || s.readableEnded), 5000, 'refused sockets closed');
    expect(refused.every((s) => s.bytesRead === 0)).toBe(true);
    expect(sockets.slice(20, LIMIT).some((s) => s.destroyed || s.readableEnded)).toBe(false);
    const text = await metrics(side.ports.admin);
    expect(text).toContain(
      `trustmesh_sidecar_refusals_total{direction="inbound",reason="MAX_CONNECTIONS",route="http"} ${IDLE - LIMIT}`,
    );
    expect(text).toContain('trustmesh_sidecar_open_connections{direction="inbound",route="http"} 20');
    const grownMb = (rssKb(pid) - before) / 1024;
    process.stdout.write(`sidecar RSS grew ${grownMb.toFixed(1)} MB for ${LIMIT} held connections\n`);
    // The bound catches per-connection buffers gone wrong (64 KiB each would be 300 MB).
    expect(grownMb).toBeLessThan(MAX_GROWTH_MB);
    // The held TLS connections still work.
    sockets[0].write('still here');
    expect((await readBytes(sockets[0], 10)).toString()).toBe('still here');
  } finally {
    for (const s of sockets) s.destroy();
    side.child.kill('SIGTERM');
    expect(await side.exited).toBe(0);
    await echo.close();
  }
}, 90_000);
