import { status } from '@grpc/grpc-js';
import { createLeafIssuer, generateKeyPair } from '@trustmesh/pki';
import { deniedSigns, expectRefused, type BadInputCase } from './testing/bad-input';
import { connect, makeCsr, sign } from './testing/client';
import { expectOk, startTestSigner, type TestSigner } from './testing/fixture';
import { addCaSet, createToken } from './testing/state';

// Both ways of running the CPU-bound part (main thread, worker thread) must behave the same.
// CSRs only the openssl CLI makes (CA:true, extra extension, RSA, secp256k1): bad-input.openssl.e2e.ts.
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
  const tokenFor = async (
    serviceType: string,
    instanceId: string | null,
    extra: { now?: Date } = {},
  ): Promise<string> =>
    (await createToken(t.state.store, { serviceType, instanceId, now: extra.now ?? t.clock.now })).secret;
  const csr = (): Buffer => makeCsr().csr;

  const cases: BadInputCase[] = [
    [
      'fail/garbage bytes as CSR',
      async () => ({ req: { csr: Buffer.from('this is not a CSR at all'), serviceType: 'api', instanceId: 'b-1' } }),
      C.INVALID_ARGUMENT,
      'DER_MALFORMED',
    ],
    [
      'fail/CSR with a bad signature',
      async () => {
        const bad = Buffer.from(csr());
        bad[bad.length - 5] ^= 0xff;
        return {
          req: { csr: bad, serviceType: 'api', instanceId: 'b-2', bootstrapToken: await tokenFor('api', 'b-2') },
        };
      },
      C.INVALID_ARGUMENT,
      'CSR_SIGNATURE_INVALID',
    ],
    [
      'fail/DNS SAN outside the templates',
      async () => ({
        req: {
          csr: makeCsr({ sans: { dns: ['evil.example.com'] } }).csr,
          serviceType: 'api',
          instanceId: 'b-3',
          bootstrapToken: await tokenFor('api', 'b-3'),
        },
      }),
      C.PERMISSION_DENIED,
      'SAN_NOT_ALLOWED',
    ],
    [
      'fail/URI SAN of another type',
      async () => ({
        req: {
          csr: makeCsr({ sans: { uris: ['spiffe://example.test/db/b-4'] } }).csr,
          serviceType: 'api',
          instanceId: 'b-4',
          bootstrapToken: await tokenFor('api', 'b-4'),
        },
      }),
      C.PERMISSION_DENIED,
      'URI_SAN_MISMATCH',
    ],
    [
      'fail/URI SAN of another trust domain',
      async () => ({
        req: {
          csr: makeCsr({ sans: { uris: ['spiffe://other.test/api/b-5'] } }).csr,
          serviceType: 'api',
          instanceId: 'b-5',
          bootstrapToken: await tokenFor('api', 'b-5'),
        },
      }),
      C.PERMISSION_DENIED,
      'URI_SAN_MISMATCH',
    ],
    [
      'fail/token reused',
      async () => {
        const secret = await tokenFor('api', 'b-11');
        const c = connect(t.signer.port, t.state.platformRootPem);
        expectOk(await sign(c.ca, { csr: csr(), serviceType: 'api', instanceId: 'b-11', bootstrapToken: secret }));
        c.close();
        return { req: { csr: csr(), serviceType: 'api', instanceId: 'b-11', bootstrapToken: secret } };
      },
      C.UNAUTHENTICATED,
      'TOKEN_USED',
    ],
    [
      'fail/token expired',
      async () => ({
        req: {
          csr: csr(),
          serviceType: 'api',
          instanceId: 'b-12',
          bootstrapToken: await tokenFor('api', 'b-12', { now: new Date(t.clock.now.getTime() - 7200_000) }),
        },
      }),
      C.UNAUTHENTICATED,
      'TOKEN_EXPIRED',
    ],
    [
      'fail/token revoked',
      async () => {
        const tok = await createToken(t.state.store, { serviceType: 'api', instanceId: 'b-13', now: t.clock.now });
        await t.state.store.revokeToken(tok.id, t.clock.now);
        return { req: { csr: csr(), serviceType: 'api', instanceId: 'b-13', bootstrapToken: tok.secret } };
      },
      C.UNAUTHENTICATED,
      'TOKEN_REVOKED',
    ],
    [
      'fail/token for another type',
      async () => ({
        req: { csr: csr(), serviceType: 'api', instanceId: 'b-14', bootstrapToken: await tokenFor('db', null) },
      }),
      C.PERMISSION_DENIED,
      'TOKEN_WRONG_TYPE',
    ],
    [
      'fail/token for another instance',
      async () => ({
        req: { csr: csr(), serviceType: 'api', instanceId: 'b-15', bootstrapToken: await tokenFor('api', 'b-99') },
      }),
      C.PERMISSION_DENIED,
      'TOKEN_WRONG_INSTANCE',
    ],
    [
      'fail/unknown token',
      async () => ({
        req: { csr: csr(), serviceType: 'api', instanceId: 'b-16', bootstrapToken: 'tmb_not-a-real-token' },
      }),
      C.UNAUTHENTICATED,
      'TOKEN_UNKNOWN',
    ],
    [
      'fail/no token and no client certificate',
      async () => ({ req: { csr: csr(), serviceType: 'api', instanceId: 'b-17' } }),
      C.UNAUTHENTICATED,
      'AUTH_REQUIRED',
    ],
    [
      'fail/renewal with a certificate of another type',
      async () => {
        const other = await t.obtain('db', 'b-18');
        return { req: { csr: csr(), serviceType: 'api', instanceId: 'b-18' }, identity: other.identity };
      },
      C.PERMISSION_DENIED,
      'PEER_IDENTITY_MISMATCH',
    ],
    [
      'fail/renewal for another instance of the same type',
      async () => {
        const other = await t.obtain('api', 'b-19');
        return { req: { csr: csr(), serviceType: 'api', instanceId: 'b-20' }, identity: other.identity };
      },
      C.PERMISSION_DENIED,
      'PEER_IDENTITY_MISMATCH',
    ],
    // The transport verifies client certificates against the mesh roots and hands only verified
    // ones to the handler, so a foreign one arrives as "no certificate".
    [
      'fail/renewal with a certificate from a foreign CA',
      async () => {
        const foreign = await addCaSet({ dir: t.tmp, store: null }, 'api', { now: t.clock.now });
        const keys = generateKeyPair();
        const leaf = createLeafIssuer({
          caCertificate: foreign.intermediate.der,
          caPrivateKey: foreign.intermediate.key,
        }).issue({
          publicKey: keys.publicKey,
          sans: { uris: ['spiffe://example.test/api/b-21'] },
          now: t.clock.now,
          ttlSeconds: 3600,
        });
        return {
          req: { csr: csr(), serviceType: 'api', instanceId: 'b-21' },
          identity: { key: keys.privateKey, chain: [leaf.der, foreign.intermediate.der] },
        };
      },
      C.UNAUTHENTICATED,
      'AUTH_REQUIRED',
    ],
    [
      'fail/a 10 MB request (transport limit, before any handler)',
      async () => ({ req: { csr: Buffer.alloc(10 * 1024 * 1024, 1), serviceType: 'api', instanceId: 'b-22' } }),
      C.RESOURCE_EXHAUSTED,
      undefined,
    ],
    [
      'fail/missing csr',
      async () => ({ req: { serviceType: 'api', instanceId: 'b-23' } }),
      C.INVALID_ARGUMENT,
      'FIELD_MISSING',
    ],
    [
      'fail/missing service type',
      async () => ({ req: { csr: csr(), instanceId: 'b-24' } }),
      C.INVALID_ARGUMENT,
      'FIELD_MISSING',
    ],
    [
      'fail/missing instance id',
      async () => ({ req: { csr: csr(), serviceType: 'api' } }),
      C.INVALID_ARGUMENT,
      'FIELD_MISSING',
    ],
    [
      'fail/unknown service type',
      async () => ({ req: { csr: csr(), serviceType: 'billing', instanceId: 'b-25' } }),
      C.INVALID_ARGUMENT,
      'TYPE_UNKNOWN',
    ],
    [
      'fail/reserved type platform',
      async () => ({ req: { csr: csr(), serviceType: 'platform', instanceId: 'signer' } }),
      C.INVALID_ARGUMENT,
      'TYPE_UNKNOWN',
    ],
    [
      'fail/instance id ../x',
      async () => ({ req: { csr: csr(), serviceType: 'api', instanceId: '../x' } }),
      C.INVALID_ARGUMENT,
      'INSTANCE_ID_INVALID',
    ],
    [
      'fail/instance id with spaces',
      async () => ({ req: { csr: csr(), serviceType: 'api', instanceId: 'a b' } }),
      C.INVALID_ARGUMENT,
      'INSTANCE_ID_INVALID',
    ],
    [
      'fail/instance id 300 characters long',
      async () => ({ req: { csr: csr(), serviceType: 'api', instanceId: 'x'.repeat(300) } }),
      C.INVALID_ARGUMENT,
      'INSTANCE_ID_INVALID',
    ],
  ];

  it.each(cases)(
    '%s',
    async (_name, build, code, reason) => {
      await expectRefused(t, build, code, reason);
    },
    15_000,
  );

  it('ok/every bad input was audited as denied; caller strings are clipped in the audit log', async () => {
    const denied = await deniedSigns(t);
    const reasons = new Set(denied.map((r) => r.reason));
    for (const [, , , reason] of cases) if (reason) expect(reasons).toContain(reason);
    const long = denied.find((r) => String(r.details?.instanceId).startsWith('xxxx'));
    expect(String(long?.details?.instanceId).length).toBeLessThanOrEqual(129);
  });
});
