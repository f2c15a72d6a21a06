import { status, type ClientReadableStream } from '@grpc/grpc-js';
import {
  HealthCheckResponse_ServingStatus as Serving,
  type HealthCheckResponse,
  type TrustBundle,
} from '@trustmesh/proto';
import { createSigner, type Signer } from './index';
import { connect, getBundle, isFailure } from './testing/client';
import { baseSignerDeps, createTestState, type TestState } from './testing/state';

/** Collects a stream's messages and how it ended. */
function collect<T>(stream: ClientReadableStream<T>): { items: T[]; ended: Promise<{ code: number }> } {
  const items: T[] = [];
  stream.on('data', (m: T) => items.push(m));
  const ended = new Promise<{ code: number }>((resolve) => {
    stream.on('error', (e: { code: number }) => resolve({ code: e.code }));
    stream.on('status', (s: { code: number }) => resolve({ code: s.code }));
  });
  return { items, ended };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe('streams: keepalive, health watch, shutdown', () => {
  let state: TestState;
  let signer: Signer;

  beforeAll(async () => {
    state = await createTestState({ now: new Date() });
    signer = await createSigner({
      ...baseSignerDeps(state),
      options: { keepaliveMs: 150, pollIntervalMs: 100 },
    });
  });
  afterAll(async () => {
    await signer.close(500);
    await state.close();
  });

  it('ok/a quiet watch stream gets the same bundle again as a keepalive; shutdown ends it cleanly', async () => {
    const c = connect(signer.port, state.platformRootPem);
    const watch = collect<TrustBundle>(c.ca.watchTrustBundle({ serviceTypes: ['api'] }));
    const health = collect<HealthCheckResponse>(c.health.watch({ service: '' }));
    try {
      await until(() => watch.items.length >= 3 && health.items.length >= 1, 3000);
      expect(watch.items.length).toBeGreaterThanOrEqual(3);
      expect(new Set(watch.items.map((b) => b.version))).toEqual(new Set([1]));
      expect(health.items[0]).toEqual({ status: Serving.SERVING });
      const b = await getBundle(c.ca, { serviceTypes: ['api'] });
      expect(isFailure(b)).toBe(false);

      await signer.close(500);
      expect(await watch.ended).toEqual({ code: status.OK });
      await health.ended;
      expect(health.items[health.items.length - 1]).toEqual({ status: Serving.NOT_SERVING });
      expect(signer.watchStreams).toBe(0);
    } finally {
      c.close();
    }
  });
});
