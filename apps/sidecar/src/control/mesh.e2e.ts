/**
 * End to end: a real signer child process, the `db` sidecar as a child process started through
 * the real entry point (`bin/sidecar.ts --config FILE`), and the `api` sidecar in-process with a
 * key file. Both identities come from the signer with CLI-made tokens; traffic flows
 * client → api outbound → mTLS → db inbound → echo, across a renewal, a bundle change and a
 * signer outage; both sidecars report their status; SIGTERM stops the db sidecar with exit 0.
 */
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { parseConfig } from '../config/parse-config';
import { MemoryLogger } from '../observe/logger';
import { startControlledSidecar, type ControlledSidecar } from './start-control';
import {
  bumpBundleVersion,
  createSignerState,
  createTokenFile,
  freePort,
  readStatusReports,
  REPO_ROOT,
  startSigner,
  waitFor,
  type SignerProcess,
  type SignerState,
} from './testing/signer-process';

jest.setTimeout(60_000);

describe('two sidecars (api → db) with identities from a real signer', () => {
  let state: SignerState;
  let signer: SignerProcess;
  let echo: Server;
  let api: ControlledSidecar | undefined;

  beforeAll(async () => {
    state = await createSignerState();
    signer = await startSigner(state, await freePort());
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((ok) => echo.listen(0, '127.0.0.1', ok));
  });
  afterAll(async () => {
    await api?.shutdown();
    echo?.close();
    await signer?.stop();
    state?.cleanup();
  });

  it('ok/traffic flows through both sidecars; identities, status reports and a clean SIGTERM exit', async () => {
    const signerBlock = (token: string) =>
      `signer: { address: 127.0.0.1:${signer.port}, caFile: ${state.rootPemFile}, tokenFile: ${token} }`;
    const dbIn = await freePort();
    const dbAdmin = await freePort();
    const echoPort = (echo.address() as { port: number }).port;
    const dbConfig = join(state.base, 'db-sidecar.yaml');
    writeFileSync(
      dbConfig,
      [
        'serviceType: db',
        'instanceId: db-1',
        signerBlock(await createTokenFile(state, 'db', 'db-1')),
        `inbound: [ { name: pg, listen: 127.0.0.1:${dbIn}, forward: 127.0.0.1:${echoPort}, accept: [api] } ]`,
        `admin: { listen: 127.0.0.1:${dbAdmin} }`,
      ].join('\n'),
    );
    const db = spawn(
      process.execPath,
      ['tools/scripts/run-ts.js', 'apps/sidecar/bin/sidecar.ts', '--config', dbConfig],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let dbOut = '';
    db.stdout.on('data', (d: Buffer) => (dbOut += d.toString()));
    db.stderr.on('data', (d: Buffer) => (dbOut += d.toString()));
    const dbExit = new Promise<number | null>((ok) => db.once('exit', (code) => ok(code)));
    try {
      await waitFor(
        async () => (await httpGet(dbAdmin, '/readyz')).status === 200,
        20_000,
        `db readiness (${dbOut.slice(-2000)})`,
      );

      const keyFile = join(state.base, 'api.key');
      const config = parseConfig(
        [
          'serviceType: api',
          'instanceId: api-1',
          signerBlock(await createTokenFile(state, 'api', 'api-1')),
          `outbound: [ { name: db, listen: 127.0.0.1:0, connect: 127.0.0.1:${dbIn}, peerType: db } ]`,
          'admin: { listen: 127.0.0.1:0 }',
          `keyFile: ${keyFile}`,
        ].join('\n'),
      );
      api = await startControlledSidecar(config, { logger: new MemoryLogger(), statusIntervalMs: 60_000 });
      const [outbound] = await api.sidecar.listening;
      expect(api.ready()).toBe(true);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);

      for (const msg of ['hello through the mesh', 'x'.repeat(100_000)])
        expect(await roundTrip(outbound.address.port, msg)).toBe(msg);

      const apiIdentity = JSON.parse((await httpGet(api.sidecar.admin.address.port, '/identity')).body) as {
        spiffeId: string;
        bundleVersion: number;
        nextRenewal: string;
      };
      expect(apiIdentity.spiffeId).toBe('spiffe://example.test/api/api-1');
      expect(apiIdentity.bundleVersion).toBe(1);
      expect(Date.parse(apiIdentity.nextRenewal)).toBeGreaterThan(Date.now());
      const dbIdentity = JSON.parse((await httpGet(dbAdmin, '/identity')).body) as { spiffeId: string };
      expect(dbIdentity.spiffeId).toBe('spiffe://example.test/db/db-1');
      // The db sidecar logged the api peer it accepted, by SPIFFE ID.
      await waitFor(() => dbOut.includes('spiffe://example.test/api/api-1'), 5000, 'the accepted-peer log line');

      // A long-lived connection stays up across a renewal (mTLS; same key, from the key file) and a bundle change.
      const long = await openEcho(outbound.address.port);
      expect(await long.say('before')).toBe('before');
      const before = api.identities.current()!;
      const renewed = await api.identity.renewNow();
      expect(renewed.serialHex).not.toBe(before.serialHex);
      expect(api.identities.usable(new Date()).map((i) => i.serialHex)).toEqual([renewed.serialHex, before.serialHex]);
      const version = await bumpBundleVersion(state);
      await waitFor(
        async () =>
          (JSON.parse((await httpGet(dbAdmin, '/identity')).body) as { bundleVersion: number }).bundleVersion ===
          version,
        10_000,
        'db to load the new bundle',
      );
      await waitFor(() => api!.trust.version === version, 10_000, 'api to load the new bundle');
      expect(await long.say('after')).toBe('after');
      expect(await roundTrip(outbound.address.port, 'new connection, new identity')).toBe(
        'new connection, new identity',
      );
      long.close();

      await waitFor(
        async () => (await readStatusReports(state)).length === 2,
        10_000,
        'status reports of both sidecars',
      );
      const reports = (await readStatusReports(state)).map((r) => `${r.serviceType}/${r.instanceId}`).sort();
      expect(reports).toEqual(['api/api-1', 'db/db-1']);

      // Signer killed: traffic keeps flowing on the valid certificates; renewal works again once it is back.
      await signer.stop('SIGKILL');
      expect(await roundTrip(outbound.address.port, 'signer is down')).toBe('signer is down');
      await expect(api.identity.renewNow()).rejects.toMatchObject({ code: 'SIGNER_UNAVAILABLE' });
      expect(api.ready()).toBe(true);
      expect((await httpGet(dbAdmin, '/readyz')).status).toBe(200);
      signer = await startSigner(state, signer.port);
      let back: string | undefined;
      for (let i = 0; i < 50 && back === undefined; i++) {
        back = await api.identity.renewNow().then(
          (id) => id.serialHex,
          () => undefined,
        );
        if (back === undefined) await new Promise((r) => setTimeout(r, 200));
      }
      expect(back).toBeDefined();
      expect(back).not.toBe(renewed.serialHex);
      expect(await roundTrip(outbound.address.port, 'signer is back')).toBe('signer is back');
    } finally {
      db.kill('SIGTERM');
    }
    expect(await dbExit).toBe(0);
  });
});

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((ok) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => ok({ status: 0, body: '' }));
    req.on('timeout', () => req.destroy());
  });
}

function roundTrip(port: number, msg: string): Promise<string> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      fail(new Error(`no echo after 10 s (got ${got.length} bytes)`));
    }, 10_000);
    s.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.length >= msg.length) {
        clearTimeout(timer);
        s.end();
        ok(got);
      }
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    s.write(msg);
  });
}

/** A connection kept open: `say` writes and resolves with the echo of exactly that message. */
function openEcho(port: number): Promise<{ say(msg: string): Promise<string>; close(): void }> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1', () => {
      ok({
        say: (msg) =>
          new Promise((done, bad) => {
            let got = '';
            const timer = setTimeout(() => bad(new Error('no echo on the long-lived connection')), 10_000);
            const onData = (d: Buffer) => {
              got += d.toString();
              if (got.length >= msg.length) {
                clearTimeout(timer);
                s.off('data', onData);
                done(got);
              }
            };
            s.on('data', onData);
            s.write(msg);
          }),
        close: () => s.end(),
      });
    });
    s.once('error', fail);
  });
}
