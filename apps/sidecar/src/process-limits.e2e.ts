/**
 * Many idle connections against a sidecar process: the connection limit is enforced (the rest
 * are refused at accept and counted) and the process memory stays bounded.
 */
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import type { Socket } from 'node:net';
import { dial, readBytes, startTcpServer, waitFor } from './testing/net-helpers';
import { spawnSidecar } from './testing/spawn-sidecar';
import { createTestCa, issueTestIdentity } from './testing/test-mesh';
import { tlsDial } from './testing/tls-client';

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

function metrics(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

it('ok/idle connections up to the limit are held, the rest refused, memory bounded', async () => {
  const now = new Date();
  const [web, api] = ['web', 'api'].map((t) => createTestCa(t, now));
  const echo = await startTcpServer();
  const yaml = [
    'serviceType: api',
    'signer: { address: 127.0.0.1:7443, caFile: ca.pem, tokenFile: token }',
    'admin: { listen: 127.0.0.1:0 }',
    'inbound:',
    `  - { name: http, listen: 127.0.0.1:0, forward: 127.0.0.1:${echo.port}, accept: [web] }`,
    'limits: { maxConnections: 400, handshakeTimeout: 60s, drainTimeout: 100ms }',
  ].join('\n');
  const side = await spawnSidecar(yaml, issueTestIdentity(api, { now }), [web, api], true);
  const sockets: Socket[] = [];
  try {
    const pid = side.child.pid as number;
    const before = rssKb(pid);
    const peer = issueTestIdentity(web, { now });
    for (let i = 0; i < 20; i += 1) sockets.push(await tlsDial(side.ports.http, { identity: peer, roots: [api.root] }));
    // Plain TCP connections that never start TLS: they hold a slot until the handshake timeout.
    for (let i = 0; i < 400; i += 1) sockets.push(await dial(side.ports.http));
    for (const s of sockets.slice(20)) {
      s.on('error', () => undefined);
      s.resume(); // flowing, so a FIN shows as readableEnded
    }
    const refused = sockets.slice(400);
    await waitFor(() => refused.every((s) => s.destroyed || s.readableEnded), 5000, 'refused sockets closed');
    expect(refused.every((s) => s.bytesRead === 0)).toBe(true);
    expect(sockets.slice(20, 400).some((s) => s.destroyed || s.readableEnded)).toBe(false);
    const text = await metrics(side.ports.admin);
    expect(text).toContain('trustmesh_sidecar_refusals_total{direction="inbound",reason="MAX_CONNECTIONS",route="http"} 20');
    expect(text).toContain('trustmesh_sidecar_open_connections{direction="inbound",route="http"} 20');
    const grownMb = (rssKb(pid) - before) / 1024;
    // Measured: a few MB for 400 sockets; the bound catches per-connection buffers gone wrong.
    expect(grownMb).toBeLessThan(64);
    // The held TLS connections still work.
    sockets[0].write('still here');
    expect((await readBytes(sockets[0], 10)).toString()).toBe('still here');
  } finally {
    for (const s of sockets) s.destroy();
    side.child.kill('SIGTERM');
    expect(await side.exited).toBe(0);
    await echo.close();
  }
}, 30_000);
