/**
 * Backpressure through the whole chain (client → outbound → mTLS → inbound → target): when the
 * target stops reading, the client is stalled and neither sidecar buffers more than a few
 * stream high-water marks in user space; when the target reads again, every byte arrives.
 */
import type { Socket } from 'node:net';
import { dial, startTcpServer, waitFor } from './testing/net-helpers';
import { bundleOf, createTestCa, issueTestIdentity } from './testing/test-mesh';
import { startTestSidecar } from './testing/sidecar-fixture';

const CHUNK = Buffer.alloc(64 * 1024, 0x61);
const OFFER = 256 * 1024 * 1024;

/** Writes CHUNKs until the socket stays blocked for `stallMs`; returns the bytes handed over. */
async function writeUntilStalled(s: Socket, stallMs: number, limit: number): Promise<number> {
  let written = 0;
  while (written < limit) {
    written += CHUNK.length;
    if (!s.write(CHUNK)) {
      const drained = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => {
          s.off('drain', onDrain);
          resolve(false);
        }, stallMs);
        const onDrain = () => {
          clearTimeout(t);
          resolve(true);
        };
        s.once('drain', onDrain);
      });
      if (!drained) return written;
    }
  }
  return written;
}

it('ok/a target that stops reading stalls the client; sidecar buffers stay bounded', async () => {
  const now = new Date();
  const [web, api] = ['web', 'api'].map((t) => createTestCa(t, now));
  let received = 0;
  const target = await startTcpServer((s) => {
    s.pause(); // not reading: the kernel buffers fill, then backpressure must reach the client
    s.on('data', (c: Buffer) => {
      received += c.length;
    });
  });
  const b = await startTestSidecar({
    serviceType: 'api',
    yaml: `inbound:\n  - { name: http, listen: 127.0.0.1:0, forward: 127.0.0.1:${target.port}, accept: [web] }`,
    identity: issueTestIdentity(api, { now }),
    bundle: bundleOf(1, [web, api]),
  });
  const a = await startTestSidecar({
    serviceType: 'web',
    yaml: `outbound:\n  - { name: api, listen: 127.0.0.1:0, connect: 127.0.0.1:${b.ports.http}, peerType: api }`,
    identity: issueTestIdentity(web, { now }),
    bundle: bundleOf(1, [api]),
  });
  try {
    const client = await dial(a.ports.api);
    let maxBuffered = 0;
    const sampler = setInterval(() => {
      maxBuffered = Math.max(maxBuffered, a.sidecar.tracker.bufferedBytes(), b.sidecar.tracker.bufferedBytes());
    }, 5);
    const written = await writeUntilStalled(client, 300, OFFER);
    clearInterval(sampler);
    // Stalled long before the offer: what is in flight sits in kernel socket buffers, not in
    // the sidecars (each pipe holds at most about one high-water mark per direction).
    expect(written).toBeLessThan(64 * 1024 * 1024); // measured ~14 MB of kernel buffers here
    expect(maxBuffered).toBeLessThan(512 * 1024);
    expect(received).toBe(0);

    for (const s of target.sockets) s.resume();
    client.end();
    await waitFor(() => received === written, 10_000, `all ${written} bytes at the target`);
  } finally {
    await a.stop();
    await b.stop();
    await target.close();
  }
}, 20_000);
