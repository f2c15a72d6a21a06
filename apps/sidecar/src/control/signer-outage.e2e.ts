/**
 * The identity manager when the signer goes away: a killed signer (SIGKILL) leaves the sidecar
 * serving with its still-valid identity while retries back off; it renews over mTLS as soon as
 * the signer is back on the same port. A signer unreachable at start means retries, no readiness
 * and no crash. Real child processes, real gRPC on 127.0.0.1; time driven by the test clock.
 */
import { readFileSync } from 'node:fs';
import { IdentityStore } from '../identity/identity-source';
import { MemoryLogger } from '../observe/logger';
import { IdentityManager } from './identity-manager';
import { SignerClient } from './signer-client';
import { ManualClock } from './testing/manual-clock';
import {
  createSignerState,
  createTokenFile,
  freePort,
  startSigner,
  waitFor,
  type SignerProcess,
  type SignerState,
} from './testing/signer-process';

jest.setTimeout(60_000);

describe('IdentityManager across signer outages', () => {
  let state: SignerState;
  const signers: SignerProcess[] = [];
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    state = await createSignerState();
  });
  afterAll(async () => {
    for (const c of cleanups) c();
    for (const s of signers) await s.stop();
    state?.cleanup();
  });

  async function signerOn(port: number): Promise<SignerProcess> {
    const s = await startSigner(state, port);
    signers.push(s);
    return s;
  }

  async function setup(instance: string, port: number) {
    const client = new SignerClient({
      address: { host: '127.0.0.1', port },
      caPem: readFileSync(state.rootPemFile),
      reconnectMaxMs: 200,
      deadlineMs: 3000,
    });
    const clock = new ManualClock();
    const store = new IdentityStore();
    const logger = new MemoryLogger();
    const m = new IdentityManager({
      client,
      store,
      clock,
      logger,
      serviceType: 'api',
      instanceId: instance,
      tokenFile: await createTokenFile(state, 'api', instance),
      random: () => 0.5,
      backoff: { baseMs: 100, capMs: 1000 },
    });
    cleanups.push(
      () => m.stop(),
      () => client.close(),
    );
    m.start();
    return { m, store, clock, logger };
  }

  /** Fires the next timer and waits until that attempt is over (a failure counted or a new serial). */
  async function runNext(m: IdentityManager, store: IdentityStore, clock: ManualClock): Promise<number> {
    const failures = m.failureCount;
    const serial = store.current()?.serialHex;
    const jump = clock.fireNext();
    if (jump === undefined) throw new Error('nothing scheduled');
    await waitFor(
      () => m.failureCount !== failures || store.current()?.serialHex !== serial,
      10_000,
      'the attempt to finish',
    );
    return jump;
  }

  it('ok/signer killed: keeps serving while valid, backs off exponentially, renews over mTLS when it returns', async () => {
    const port = await freePort();
    const signer = await signerOn(port);
    const { m, store, clock, logger } = await setup('api-out-1', port);
    clock.advance(0);
    await waitFor(() => store.current() !== undefined, 10_000, 'first identity');
    const first = store.current()!;

    await signer.stop('SIGKILL');
    await runNext(m, store, clock); // the planned renewal fails
    expect(m.lastError()?.code).toBe('SIGNER_UNAVAILABLE');
    expect(m.ready()).toBe(true);
    expect(store.current()?.serialHex).toBe(first.serialHex);

    // Equal-jitter backoff at u = 0.5 is 3/4 of min(cap, base·2^n): 75, 150, 300, 600, then capped at 750.
    const jumps: number[] = [];
    for (let i = 0; i < 5; i++) jumps.push(await runNext(m, store, clock));
    expect(jumps).toEqual([75, 150, 300, 600, 750]);
    expect(m.failureCount).toBe(6);
    expect(m.ready()).toBe(true);

    await signerOn(port);
    for (let i = 0; i < 40 && store.current()?.serialHex === first.serialHex; i++) {
      await new Promise((r) => setTimeout(r, 100)); // let grpc-js's own reconnect backoff (≤ 200 ms) pass
      await runNext(m, store, clock);
    }
    expect(store.current()?.serialHex).not.toBe(first.serialHex);
    expect(m.failureCount).toBe(0);
    expect(m.lastError()).toBeUndefined();
    expect(logger.entries.filter((e) => e.event === 'identity_issued').map((e) => e.fields.via)).toEqual([
      'token',
      'mtls',
    ]);
  });

  it('ok/signer unreachable at start: retries, not ready, no crash; issues once the signer comes up', async () => {
    const port = await freePort();
    const { m, store, clock } = await setup('api-out-2', port);
    clock.advance(0);
    await waitFor(() => m.failureCount === 1, 10_000, 'the first failed attempt');
    expect(m.lastError()?.code).toBe('SIGNER_UNAVAILABLE');
    expect(m.ready()).toBe(false);
    await runNext(m, store, clock);
    expect(m.failureCount).toBe(2);

    await signerOn(port);
    for (let i = 0; i < 40 && store.current() === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await runNext(m, store, clock);
    }
    expect(store.current()?.spiffeId).toBe('spiffe://example.test/api/api-out-2');
    expect(m.ready()).toBe(true);
  });

  it('fail/the certificate expires while the signer is down: readiness turns false', async () => {
    const port = await freePort();
    const signer = await signerOn(port);
    const { m, store, clock } = await setup('api-out-3', port);
    clock.advance(0);
    await waitFor(() => store.current() !== undefined, 10_000, 'first identity');
    await signer.stop('SIGKILL');
    const id = store.current()!;
    clock.advance(id.notAfter.getTime() - clock.now().getTime() - 1000);
    expect(m.ready()).toBe(true);
    clock.advance(2000);
    expect(m.ready()).toBe(false);
    expect(store.usable(clock.now())).toEqual([]);
  });
});
