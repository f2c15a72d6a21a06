/**
 * TrustManager against a real signer child process: the first bundle arrives over
 * WatchTrustBundle with the roots the CLI exports, a bundle version bump written by another
 * process is pushed to the TrustStore, `refresh()` asks GetTrustBundle, and the stream is
 * reopened after the signer is killed and comes back. StatusReporter is checked on the same
 * signer: the report lands in the signer's store.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IdentityStore } from '../identity/identity-source';
import { MemoryLogger } from '../observe/logger';
import { MetricsRegistry } from '../observe/metrics';
import { IdentityManager } from './identity-manager';
import { SignerClient } from './signer-client';
import { StatusReporter } from './status-reporter';
import { TrustManager } from './trust-manager';
import { ManualClock } from './testing/manual-clock';
import {
  bumpBundleVersion,
  createSignerState,
  createTokenFile,
  freePort,
  readStatusReports,
  startSigner,
  trustmesh,
  waitFor,
  type SignerProcess,
  type SignerState,
} from './testing/signer-process';

jest.setTimeout(60_000);

describe('TrustManager and StatusReporter with a real signer', () => {
  let state: SignerState;
  let port: number;
  let signer: SignerProcess;
  let client: SignerClient;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    state = await createSignerState();
    port = await freePort();
    signer = await startSigner(state, port);
    client = new SignerClient({
      address: { host: '127.0.0.1', port },
      caPem: readFileSync(state.rootPemFile),
      reconnectMaxMs: 200,
    });
  });
  afterAll(async () => {
    for (const c of cleanups) c();
    client?.close();
    await signer?.stop();
    state?.cleanup();
  });

  it('ok/watch delivers the roots of the requested types; a version bump is pushed; refresh() works; the stream survives a signer restart', async () => {
    const clock = new ManualClock();
    const logger = new MemoryLogger();
    const hints: (Date | undefined)[] = [];
    const tm = new TrustManager({
      client,
      types: ['db', 'api', 'db'],
      clock,
      logger,
      random: () => 0.5,
      backoff: { baseMs: 100, capMs: 1000 },
      onRenewBefore: (h) => hints.push(h),
    });
    cleanups.push(() => tm.stop());
    const changes: number[] = [];
    tm.store.onChange(() => changes.push(tm.store.current()!.version));
    tm.start();
    await waitFor(() => tm.store.current() !== undefined, 10_000, 'the first bundle');
    const first = tm.store.current()!;
    expect([...first.rootsPem.keys()].sort()).toEqual(['api', 'db']);
    for (const type of ['api', 'db']) {
      const exported = new X509Certificate(await trustmesh(['ca', 'export', type, '--root', '--dir', state.dir]));
      expect(first.rootsPem.get(type)!.map((p) => new X509Certificate(p).fingerprint256)).toEqual([
        exported.fingerprint256,
      ]);
    }
    expect(hints.at(-1)).toBeUndefined();

    const next = await bumpBundleVersion(state);
    await waitFor(() => tm.store.current()?.version === next, 10_000, 'the pushed bundle');
    expect(changes).toEqual([first.version, next]);

    const bumped = await bumpBundleVersion(state);
    await waitFor(
      async () => {
        await tm.refresh();
        return tm.store.current()?.version === bumped;
      },
      10_000,
      'refresh to see the new version',
    );

    await signer.stop('SIGKILL');
    await waitFor(() => logger.entries.some((e) => e.event === 'trust_watch_ended'), 10_000, 'the stream to end');
    expect(tm.store.current()?.version).toBe(bumped); // the last good bundle stays
    await expect(tm.refresh()).rejects.toMatchObject({ code: 'SIGNER_UNAVAILABLE' });
    signer = await startSigner(state, port);
    const after = await bumpBundleVersion(state);
    for (let i = 0; i < 50 && tm.store.current()?.version !== after; i++) {
      clock.fireNext(); // reconnect timer (or the stale check)
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(tm.store.current()?.version).toBe(after);
    expect(tm.connected).toBe(true);
  });

  it('ok/a stream silent past staleAfterMs is reopened and delivers again', async () => {
    const clock = new ManualClock();
    const logger = new MemoryLogger();
    const tm = new TrustManager({ client, types: ['api'], clock, logger, staleAfterMs: 5000 });
    cleanups.push(() => tm.stop());
    tm.start();
    await waitFor(() => tm.store.current() !== undefined, 10_000, 'the first bundle');
    expect(clock.delays()).toEqual([5000]);
    const before = tm.store.current()!.version;
    clock.advance(5000);
    expect(logger.entries.map((e) => e.event)).toContain('trust_watch_stale');
    expect(tm.connected).toBe(false); // reopened, nothing received on it yet
    // The reopened stream sends the current bundle at once: connected again, stale timer re-armed.
    await waitFor(() => tm.connected, 10_000, 'the reopened stream to deliver');
    expect(clock.delays()).toEqual([5000]);
    expect(tm.store.current()!.version).toBe(before);
  });

  it('fail/a type the mesh does not know ends the stream with the signer reason, and it is retried', async () => {
    const clock = new ManualClock();
    const logger = new MemoryLogger();
    const tm = new TrustManager({ client, types: ['nosuchtype'], clock, logger, random: () => 0.5 });
    cleanups.push(() => tm.stop());
    tm.start();
    await waitFor(() => tm.lastError() !== undefined, 10_000, 'the stream error');
    expect({ code: tm.lastError()!.code, reason: tm.lastError()!.reason }).toEqual({
      code: 'SIGNER_REJECTED',
      reason: 'TYPE_UNKNOWN',
    });
    expect(tm.store.current()).toBeUndefined();
    expect(clock.delays()).toContain(375);
  });

  it('ok/ReportStatus over mTLS lands in the signer store with serial, CA id, bundle version and fallbacks', async () => {
    const clock = new ManualClock();
    const identities = new IdentityStore();
    const im = new IdentityManager({
      client,
      store: identities,
      clock,
      serviceType: 'api',
      instanceId: 'api-rep',
      tokenFile: await createTokenFile(state, 'api', 'api-rep'),
      random: () => 0.5,
    });
    const tm = new TrustManager({ client, types: ['db'], clock });
    const metrics = new MetricsRegistry();
    metrics.add('trustmesh_sidecar_fallbacks_total', { route: 'db', kind: 'identity' }, 2);
    const reporter = new StatusReporter({
      client,
      identities,
      trust: tm.store,
      clock,
      metrics,
      serviceType: 'api',
      instanceId: 'api-rep',
      caIdOf: (s) => im.caIdOf(s),
      outbound: [
        {
          name: 'db',
          listen: { host: '127.0.0.1', port: 0 },
          connect: { host: '127.0.0.1', port: 15002 },
          peerType: 'db',
        },
      ],
    });
    cleanups.push(
      () => reporter.stop(),
      () => tm.stop(),
      () => im.stop(),
    );
    tm.start();
    await waitFor(() => tm.store.current() !== undefined, 10_000, 'bundle');
    reporter.start();
    const id = await im.renewNow();
    await waitFor(() => reporter.reportsSent >= 1, 10_000, 'a report');
    expect(reporter.lastAck()?.bundleVersion).toBe(tm.store.current()!.version);
    const stored = (await readStatusReports(state)).find((r) => r.instanceId === 'api-rep');
    expect(stored?.serviceType).toBe('api');
    expect(JSON.stringify(stored?.report)).toContain(id.serialHex);
    const built = reporter.build()!;
    expect(built).toMatchObject({
      serialHex: id.serialHex,
      bundleVersion: tm.store.current()!.version,
      previousIdentities: [],
    });
    expect(built.caId).toMatch(/^[0-9a-f]{40}$/);
    expect(built.fallbacks).toEqual([
      {
        peerType: 'db',
        peerAddress: '127.0.0.1:15002',
        kind: 'previous-identity',
        count: 2,
        lastAtUnix: Math.floor(clock.now().getTime() / 1000),
      },
    ]);
  });

  it('fail/a report for another instance than the certificate → SIGNER_DENIED PEER_IDENTITY_MISMATCH, retried with backoff', async () => {
    const clock = new ManualClock();
    const identities = new IdentityStore();
    const im = new IdentityManager({
      client,
      store: identities,
      clock,
      serviceType: 'api',
      instanceId: 'api-rep2',
      tokenFile: await createTokenFile(state, 'api', 'api-rep2'),
      random: () => 0.5,
    });
    const tm = new TrustManager({ client, types: ['db'], clock });
    const reporter = new StatusReporter({
      client,
      identities,
      trust: tm.store,
      clock,
      serviceType: 'api',
      instanceId: 'someone-else',
      caIdOf: () => '',
      random: () => 0.5,
      intervalMs: 60_000,
    });
    cleanups.push(
      () => reporter.stop(),
      () => tm.stop(),
      () => im.stop(),
    );
    reporter.start();
    await im.renewNow();
    await waitFor(() => reporter.lastError() !== undefined, 10_000, 'the refused report');
    expect({ code: reporter.lastError()!.code, reason: reporter.lastError()!.reason }).toEqual({
      code: 'SIGNER_DENIED',
      reason: 'PEER_IDENTITY_MISMATCH',
    });
    expect(reporter.reportsSent).toBe(0);
    // The periodic tick (60 s ± 10% at u = 0.5 → 60 s) and the first backoff retry (375 ms).
    expect(clock.delays()).toEqual([375, 60_000]);
  });
});
