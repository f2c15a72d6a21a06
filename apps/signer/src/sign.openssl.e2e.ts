import { opensslVerify, renew, startTestSigner, type TestSigner } from './testing/fixture';

// Both ways of running the CPU-bound part (main thread, worker thread) must behave the same.
// What the issued certificates hold, renewal rules, spans, limits and audit: sign.spec.ts.
describe.each([
  ['main thread', 0],
  ['1 CPU worker', 1],
])('signer: issuance (%s)', (_mode, cpuWorkers) => {
  let t: TestSigner;
  beforeAll(async () => {
    t = await startTestSigner({ cpuWorkers });
  }, 30_000);
  afterAll(() => t?.close());

  it('ok/obtain with a bootstrap token: chain verifies with openssl, SPIFFE ID and DNS from policy', async () => {
    const { res } = await t.obtain('api', 'a-1');
    expect(opensslVerify(t.tmp, res.chain, t.state.cas.api!.root.der)).toMatch(/: OK$/);
  });

  it('ok/renew over mTLS: the renewed chain verifies with openssl', async () => {
    const first = await t.obtain('db', 'd-1');
    const res = await renew(t, first.identity, 'db', 'd-1');
    expect(opensslVerify(t.tmp, res.chain, t.state.cas.db!.root.der)).toMatch(/: OK$/);
  });
});
