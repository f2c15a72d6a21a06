/**
 * Test helper shared by bad-input.spec.ts and bad-input.openssl.e2e.ts: a bad-input case, the
 * check that the signer refuses it with the exact status and reason, and the audit log's denials.
 */
import type { AuditRecord } from '@trustmesh/store';
import { connect, isFailure, sign, type ClientIdentity } from './client';
import type { TestSigner } from './fixture';

/** Name, the request to send (built when the case runs), expected gRPC status and `trustmesh-reason`. */
export type BadInputCase = [
  string,
  () => Promise<{ req: Parameters<typeof sign>[1]; identity?: ClientIdentity }>,
  number,
  string | undefined,
];

/** Sends the built request to `t` (as `identity`, if any) and expects exactly `code` and `reason`. */
export async function expectRefused(
  t: TestSigner,
  build: BadInputCase[1],
  code: number,
  reason: string | undefined,
): Promise<void> {
  const { req, identity } = await build();
  const c = connect(t.signer.port, t.state.platformRootPem, identity);
  try {
    const r = await sign(c.ca, req);
    expect(isFailure(r) ? { code: r.code, reason: r.reason } : 'success').toEqual({ code, reason });
  } finally {
    c.close();
  }
}

/** The denied `sign` decisions in `t`'s audit log, after expecting the log's hash chain to verify. */
export async function deniedSigns(t: TestSigner): Promise<AuditRecord[]> {
  expect(await t.state.store.verifyAudit()).toMatchObject({ ok: true });
  return (await t.state.store.listAudit({ limit: 10_000 })).filter(
    (r) => r.action === 'sign' && r.outcome === 'denied',
  );
}
