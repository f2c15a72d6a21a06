import { status } from '@grpc/grpc-js';
import { deniedSigns, expectRefused, type BadInputCase } from './testing/bad-input';
import { opensslCsr, startTestSigner, type TestSigner } from './testing/fixture';

// Both ways of running the CPU-bound part (main thread, worker thread) must behave the same.
// CSRs made by the openssl CLI (ours refuses to build them); every other bad input: bad-input.spec.ts.
describe.each([
  ['main thread', 0],
  ['1 CPU worker', 1],
])('signer: bad input (%s)', (_mode, cpuWorkers) => {
  let t: TestSigner;
  beforeAll(async () => {
    t = await startTestSigner({ cpuWorkers });
  }, 30_000);
  afterAll(() => t?.close());

  const C = status;
  const cases: BadInputCase[] = [
    [
      'fail/CSR asking for CA:true',
      async () => ({
        req: { csr: opensslCsr(t.tmp, ['-addext', 'basicConstraints=CA:TRUE']), serviceType: 'api', instanceId: 'b-6' },
      }),
      C.PERMISSION_DENIED,
      'CA_REQUESTED',
    ],
    [
      'fail/CSR with an extra extension',
      async () => ({
        req: { csr: opensslCsr(t.tmp, ['-addext', 'nsComment=hello']), serviceType: 'api', instanceId: 'b-7' },
      }),
      C.PERMISSION_DENIED,
      'EXTENSION_NOT_ALLOWED',
    ],
    [
      'fail/weak RSA key',
      async () => ({ req: { csr: opensslCsr(t.tmp, [], 'rsa:1024'), serviceType: 'api', instanceId: 'b-8' } }),
      C.INVALID_ARGUMENT,
      'KEY_TOO_WEAK',
    ],
    [
      'fail/RSA key not allowed by the type',
      async () => ({ req: { csr: opensslCsr(t.tmp, [], 'rsa:2048'), serviceType: 'api', instanceId: 'b-9' } }),
      C.PERMISSION_DENIED,
      'KEY_TYPE_NOT_ALLOWED',
    ],
    [
      'fail/unsupported key (secp256k1)',
      async () => ({ req: { csr: opensslCsr(t.tmp, [], 'ec:secp256k1'), serviceType: 'api', instanceId: 'b-10' } }),
      C.INVALID_ARGUMENT,
      'KEY_TYPE_UNSUPPORTED',
    ],
  ];

  it.each(cases)(
    '%s',
    async (_name, build, code, reason) => {
      await expectRefused(t, build, code, reason);
    },
    15_000,
  );

  it('ok/every openssl-made bad input was audited as denied', async () => {
    const reasons = new Set((await deniedSigns(t)).map((r) => r.reason));
    for (const [, , , reason] of cases) if (reason) expect(reasons).toContain(reason);
  });
});
