/**
 * The traffic loop's counting against a real HTTP server on 127.0.0.1 standing in for web: each
 * outcome lands in exactly one counter, the rate is bounded, stop() waits for requests in flight.
 */
import { createServer, type Server } from 'node:http';
import { TrafficLoop } from './traffic';

type Mode = { page: number | 'reset' | 'slow'; probe: number };

function webLike(mode: Mode): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const status = req.url?.startsWith('/probe/db') ? mode.probe : mode.page;
    if (status === 'reset') return req.socket.destroy();
    if (status === 'slow') return void setTimeout(() => res.end('{}'), 300);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 502 ? '{"error":"PEER_REFUSED","peer":"db"}' : '{}');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })),
  );
}

async function run(mode: Mode, rate: number, ms: number, probeEveryMs = 100): Promise<TrafficLoop> {
  const { server, port } = await webLike(mode);
  const loop = new TrafficLoop({ webPort: port, rate, probeEveryMs });
  try {
    loop.start();
    await new Promise((r) => setTimeout(r, ms));
    await loop.stop();
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  return loop;
}

describe('TrafficLoop', () => {
  it('ok/200s are ok, refused probes are refused; rate is bounded', async () => {
    const l = await run({ page: 200, probe: 502 }, 200, 1000);
    expect(l.stats).toMatchObject({ failed: 0, breaches: 0, probeErrors: 0, skipped: 0 });
    expect(l.stats.ok).toBeGreaterThan(150);
    expect(l.stats.ok).toBeLessThanOrEqual(201);
    expect(l.stats.refused).toBeGreaterThanOrEqual(5);
    expect(l.stats.lastError).toBeUndefined();
  });

  it('fail/a 502 from web is a failed request with the answer as last error', async () => {
    const l = await run({ page: 502, probe: 502 }, 50, 300, 0);
    expect(l.stats.ok).toBe(0);
    expect(l.stats.failed).toBeGreaterThan(5);
    expect(l.stats.lastError).toMatch(/^web answered 502: /);
  });

  it('fail/a reset connection is a failed request', async () => {
    const l = await run({ page: 'reset', probe: 502 }, 50, 300, 0);
    expect(l.stats.failed).toBeGreaterThan(5);
    expect(l.stats.lastError).toMatch(/socket hang up|ECONNRESET/);
  });

  it('fail/a probe answered 200 is a breach, not a refusal', async () => {
    const l = await run({ page: 200, probe: 200 }, 10, 450);
    expect(l.stats.breaches).toBeGreaterThanOrEqual(3);
    expect(l.stats.refused).toBe(0);
  });

  it('ok/in-flight cap: slow answers make the loop skip, not queue; stop() waits for the rest', async () => {
    const { server, port } = await webLike({ page: 'slow', probe: 502 });
    const loop = new TrafficLoop({ webPort: port, rate: 400, maxInFlight: 4, probeEveryMs: 0 });
    try {
      loop.start();
      await new Promise((r) => setTimeout(r, 500));
      await loop.stop();
      expect(loop.stats.skipped).toBeGreaterThan(100);
      expect(loop.stats.failed).toBe(0);
      expect(loop.stats.ok).toBeGreaterThanOrEqual(4);
      expect(loop.stats.ok).toBeLessThanOrEqual(12);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
