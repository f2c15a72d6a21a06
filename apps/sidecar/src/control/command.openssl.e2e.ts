import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlledSidecar } from './start-control';
import { run } from './testing/run-command';
import { freePort, waitFor } from './testing/signer-process';

// Arguments, bad configs and the early exits: command.spec.ts.
describe('runSidecarCommand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tm-sidecar-cmd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ok/signer unreachable: starts, admin serves, not ready, no crash; stops with 0 on abort', async () => {
    const ca = join(dir, 'ca.pem');
    // Any certificate will do: the signer is never reached. Made at test time with openssl.
    const { execFileSync } = await import('node:child_process');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', ca, '-subj', '/CN=t', '-days', '1'], { stdio: 'ignore' });
    const admin = await freePort();
    const file = join(dir, 'down.yaml');
    writeFileSync(file, `serviceType: api\ninstanceId: api-1\nsigner: { address: 127.0.0.1:${await freePort()}, caFile: ${ca}, tokenFile: ${join(dir, 't')} }\n` +
      `outbound: [ { name: db, listen: 127.0.0.1:0, connect: 127.0.0.1:2, peerType: db } ]\nadmin: { listen: 127.0.0.1:${admin} }\n`);
    writeFileSync(join(dir, 't'), 'token\n');
    const stop = new AbortController();
    let started: ControlledSidecar | undefined;
    const done = run(['--config', file], { signal: stop.signal, onStarted: (s) => (started = s) });
    await waitFor(() => started !== undefined && started.identity.failureCount >= 1, 10_000, 'a failed attempt');
    expect(started!.identity.lastError()?.code).toBe('SIGNER_UNAVAILABLE');
    expect(await status(admin, '/healthz')).toBe(200);
    expect(await status(admin, '/readyz')).toBe(503);
    expect(started!.ready()).toBe(false);
    stop.abort();
    expect((await done).code).toBe(0);
  });
});

function status(port: number, path: string): Promise<number> {
  return new Promise((ok) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    }).on('error', () => ok(0));
  });
}
