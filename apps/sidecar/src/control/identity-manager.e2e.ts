/**
 * IdentityManager against a real signer child process over real gRPC/TLS on 127.0.0.1: first
 * issuance with a CLI-made token, renewal over mTLS driven by the test clock, bad tokens with the
 * signer's reason, and openssl as the independent judge of the issued chain.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { status } from '@grpc/grpc-js';
import { IdentityStore } from '../identity/identity-source';
import { MemoryLogger } from '../observe/logger';
import { ControlError } from './errors';
import { IdentityManager } from './identity-manager';
import { SignerClient } from './signer-client';
import { ManualClock } from './testing/manual-clock';
import {
  createSignerState,
  createTokenFile,
  freePort,
  startSigner,
  trustmesh,
  type SignerProcess,
  type SignerState,
} from './testing/signer-process';
import { readFileSync } from 'node:fs';

jest.setTimeout(40_000);
const execFileP = promisify(execFile);

describe('IdentityManager with a real signer', () => {
  let state: SignerState;
  let signer: SignerProcess;
  let caPem: Buffer;
  const clients: SignerClient[] = [];
  const managers: IdentityManager[] = [];

  beforeAll(async () => {
    state = await createSignerState();
    signer = await startSigner(state, await freePort());
    caPem = readFileSync(state.rootPemFile);
  });
  afterAll(async () => {
    for (const m of managers) m.stop();
    for (const c of clients) c.close();
    await signer?.stop();
    state?.cleanup();
  });

  function manager(o: { instance: string; tokenFile: string; type?: string }) {
    const client = new SignerClient({ address: { host: '127.0.0.1', port: signer.port }, caPem, reconnectMaxMs: 500 });
    const clock = new ManualClock();
    const store = new IdentityStore();
    const logger = new MemoryLogger();
    const m = new IdentityManager({
      client,
      store,
      clock,
      logger,
      serviceType: o.type ?? 'api',
      instanceId: o.instance,
      tokenFile: o.tokenFile,
      random: () => 0.5,
    });
    clients.push(client);
    managers.push(m);
    m.start(); // its first attempt waits for the test clock; tests run attempts with renewNow()
    return { m, client, clock, store, logger };
  }

  it('ok/first issuance with a bootstrap token, chain verified by openssl, renewal planned at 2/3 of the lifetime', async () => {
    const { m, store, clock } = manager({ instance: 'api-1', tokenFile: await createTokenFile(state, 'api', 'api-1') });
    m.start();
    clock.advance(0); // the first attempt is due at once
    await waitUntil(() => store.current() !== undefined, 10_000);
    const id = store.current()!;
    expect(id.spiffeId).toBe('spiffe://example.test/api/api-1');
    expect(m.ready()).toBe(true);
    expect(m.lastError()).toBeUndefined();

    const root = join(state.base, 'api-root.pem');
    writeFileSync(root, await trustmesh(['ca', 'export', 'api', '--root', '--dir', state.dir]));
    const inter = join(state.base, 'api-int.pem');
    writeFileSync(inter, new X509Certificate(id.chain[1]).toString());
    const leaf = join(state.base, 'api-leaf.pem');
    writeFileSync(leaf, new X509Certificate(id.chain[0]).toString());
    const { stdout } = await execFileP('openssl', [
      'verify',
      '-CAfile',
      root,
      '-untrusted',
      inter,
      '-purpose',
      'sslclient',
      leaf,
    ]);
    expect(stdout.trim()).toBe(`${leaf}: OK`);

    // u = 0.5 → exactly 2/3 of the lifetime after notBefore.
    const lifetime = id.notAfter.getTime() - id.notBefore.getTime();
    const planned = m.nextAttempt()!.getTime() - id.notBefore.getTime();
    expect(Math.abs(planned - (lifetime * 2) / 3)).toBeLessThan(1000);
    expect(clock.delays()).toHaveLength(1);
  });

  it('ok/renewal over mTLS at the planned time keeps the previous identity for fallback', async () => {
    const { m, store, clock, logger } = manager({
      instance: 'api-2',
      tokenFile: await createTokenFile(state, 'api', 'api-2'),
    });
    const first = await m.renewNow();
    clock.fireNext();
    await waitUntil(() => store.current()?.serialHex !== first.serialHex, 10_000);
    const second = store.current()!;
    expect(second.spiffeId).toBe(first.spiffeId);
    expect(store.usable(clock.now()).map((i) => i.serialHex)).toEqual([second.serialHex, first.serialHex]);
    expect(logger.entries.filter((e) => e.event === 'identity_issued').map((e) => e.fields.via)).toEqual([
      'token',
      'mtls',
    ]);
    // The token was spent by the first issuance, so only mTLS can have authenticated the renewal;
    // a third round proves the rebuilt mTLS channel presents the new identity.
    clock.fireNext();
    await waitUntil(() => store.current()?.serialHex !== second.serialHex, 10_000);
    expect(store.usable(clock.now())).toHaveLength(3);
  });

  it('ok/a renew-before hint pulls the renewal before it, once; the renewed identity plans at 2/3 again', async () => {
    const { m, store, clock } = manager({
      instance: 'api-hint',
      tokenFile: await createTokenFile(state, 'api', 'api-hint'),
    });
    const first = await m.renewNow();
    const regular = m.nextAttempt()!.getTime();
    const hint = new Date(clock.now().getTime() + 10_000);
    m.setRenewBefore(hint);
    // random() = 0.5 → halfway between now and the hint.
    expect(m.nextAttempt()!.getTime() - clock.now().getTime()).toBe(5000);
    expect(regular - clock.now().getTime()).toBeGreaterThan(10_000);
    m.setRenewBefore(hint); // the same hint again changes nothing
    expect(clock.delays()).toEqual([5000]);
    clock.fireNext();
    await waitUntil(() => store.current()?.serialHex !== first.serialHex, 10_000);
    const second = store.current()!;
    const planned = m.nextAttempt()!.getTime() - second.notBefore.getTime();
    expect(Math.abs(planned - ((second.notAfter.getTime() - second.notBefore.getTime()) * 2) / 3)).toBeLessThan(1000);
  });

  it.each([
    ['fail/unknown token', async () => 'not-a-token', 'SIGNER_DENIED', 'TOKEN_UNKNOWN', status.UNAUTHENTICATED],
    [
      'fail/token of another type',
      async () => readFileSync(await createTokenFile(state, 'db', 'api-3'), 'utf8'),
      'SIGNER_DENIED',
      'TOKEN_WRONG_TYPE',
      status.PERMISSION_DENIED,
    ],
  ])('%s → %s %s', async (_name, token, code, reason, grpcCode) => {
    const file = join(state.base, 'bad.token');
    writeFileSync(file, `${(await token()).trim()}\n`);
    const { m, clock } = manager({ instance: 'api-3', tokenFile: file });
    const err = (await m.renewNow().catch((e: unknown) => e)) as ControlError;
    expect({ code: err.code, reason: err.reason, grpcCode: err.grpcCode }).toEqual({ code, reason, grpcCode });
    expect(m.ready()).toBe(false);
    expect(m.lastError()?.code).toBe(code);
    // Backoff scheduled (equal jitter of the 500 ms base at u = 0.5: 375 ms), no crash.
    const [delay, ...rest] = clock.delays();
    expect(rest).toEqual([]);
    expect(delay).toBeGreaterThan(300);
    expect(delay).toBeLessThanOrEqual(375);
  });

  it('fail/a spent token → SIGNER_DENIED TOKEN_USED; a token for another instance → TOKEN_WRONG_INSTANCE', async () => {
    const file = await createTokenFile(state, 'api', 'api-4');
    const a = manager({ instance: 'api-4', tokenFile: file });
    await a.m.renewNow();
    const b = manager({ instance: 'api-4', tokenFile: file });
    const used = (await b.m.renewNow().catch((e: unknown) => e)) as ControlError;
    expect({ code: used.code, reason: used.reason, grpcCode: used.grpcCode }).toEqual({
      code: 'SIGNER_DENIED',
      reason: 'TOKEN_USED',
      grpcCode: status.UNAUTHENTICATED,
    });

    const other = await createTokenFile(state, 'api', 'api-5');
    const c = manager({ instance: 'api-6', tokenFile: other });
    const wrong = (await c.m.renewNow().catch((e: unknown) => e)) as ControlError;
    expect({ code: wrong.code, reason: wrong.reason, grpcCode: wrong.grpcCode }).toEqual({
      code: 'SIGNER_DENIED',
      reason: 'TOKEN_WRONG_INSTANCE',
      grpcCode: status.PERMISSION_DENIED,
    });
  });

  it('fail/missing or empty token file → TOKEN_UNREADABLE, nothing sent', async () => {
    const missing = manager({ instance: 'api-7', tokenFile: join(state.base, 'nope.token') });
    expect(((await missing.m.renewNow().catch((e: unknown) => e)) as ControlError).code).toBe('TOKEN_UNREADABLE');
    const emptyFile = join(state.base, 'empty.token');
    writeFileSync(emptyFile, '\n');
    const empty = manager({ instance: 'api-7', tokenFile: emptyFile });
    expect(((await empty.m.renewNow().catch((e: unknown) => e)) as ControlError).code).toBe('TOKEN_UNREADABLE');
  });

  it('fail/a type the mesh does not know → SIGNER_REJECTED with the policy reason', async () => {
    const file = join(state.base, 'x.token');
    writeFileSync(file, 'whatever\n');
    const { m } = manager({ instance: 'x-1', tokenFile: file, type: 'cache' });
    const err = (await m.renewNow().catch((e: unknown) => e)) as ControlError;
    expect({ code: err.code, reason: err.reason }).toEqual({ code: 'SIGNER_REJECTED', reason: 'TYPE_UNKNOWN' });
  });
});

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
