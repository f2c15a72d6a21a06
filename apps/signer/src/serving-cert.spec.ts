import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { readKeyFile } from '@trustmesh/keystore';
import { createSigner, type Signer } from './index';
import { renewDelayMs } from './serving-cert';
import { baseSignerDeps, createTestState, type TestState } from './testing/state';

/** The serial of the certificate a fresh TLS connection to the signer is served. */
function servedSerial(port: number, rootPem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca: rootPem, ALPNProtocols: ['h2'] }, () => {
      const serial = s.getPeerCertificate().serialNumber;
      s.destroy();
      resolve(serial.toLowerCase());
    });
    s.on('error', reject);
  });
}

describe('serving certificate', () => {
  let state: TestState;
  let signer: Signer | undefined;
  afterEach(async () => {
    await signer?.close(500);
    await state?.close();
  });

  it('ok/issued from the platform CA, verified by the platform root, renewed at 2/3 of its life', async () => {
    state = await createTestState({ now: new Date() });
    signer = await createSigner({
      ...baseSignerDeps(state),
      // 2 s of life (too short for any backdating): renewed at its 2/3 mark, about 1.3 s in.
      options: { servingCertTtlSeconds: 2 },
    });
    const first = signer.serving().serialHex;
    expect(await servedSerial(signer.port, state.platformRootPem)).toBe(first);
    const deadline = Date.now() + 5000;
    while (signer.serving().serialHex === first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const second = signer.serving().serialHex;
    expect(second).not.toBe(first);
    expect(await servedSerial(signer.port, state.platformRootPem)).toBe(second);
    const issued = await state.store.listIssued({ serviceType: 'platform' });
    expect(issued.map((r) => r.serialHex)).toEqual(expect.arrayContaining([first, second]));
  }, 15_000);

  it('fail/no active platform intermediate: the signer does not start (NO_ACTIVE_CA)', async () => {
    state = await createTestState({ now: new Date() });
    await state.store.setCaState(state.cas.platform!.intermediate.id, 'standby');
    await expect(createSigner(baseSignerDeps(state))).rejects.toMatchObject({ code: 'NO_ACTIVE_CA' });
    signer = undefined;
  });

  it('fail/a wrong passphrase stops the start with the keystore error', async () => {
    state = await createTestState({ now: new Date() });
    await expect(
      createSigner({
        store: state.store,
        mesh: state.mesh,
        loadKey: (ref) => readKeyFile(join(state.dir, ref), 'wrong passphrase'),
        now: () => new Date(),
        listen: { host: '127.0.0.1', port: 0 },
      }),
    ).rejects.toMatchObject({ code: 'KEY_PASSPHRASE_WRONG' });
    signer = undefined;
  });

  it('ok/renewDelayMs is 2/3 of the lifetime from notBefore, at least 1 s', () => {
    const notBefore = new Date(0);
    const notAfter = new Date(90_000);
    expect(renewDelayMs({ context: {}, serialHex: '', notBefore, notAfter }, new Date(0))).toBe(60_000);
    expect(renewDelayMs({ context: {}, serialHex: '', notBefore, notAfter }, new Date(80_000))).toBe(1000);
  });
});
