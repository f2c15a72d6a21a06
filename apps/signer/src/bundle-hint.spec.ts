/**
 * The renew-before hint of a root rotation reaches only the rotating type's sidecars: a bundle
 * requested over mTLS with a mesh certificate of type T carries store meta
 * `renew_before_unix:T`; another type's certificate, or no certificate, gets 0.
 */
import type { ClientReadableStream } from '@grpc/grpc-js';
import { META, renewBeforeMetaKey } from '@trustmesh/ca';
import type { TrustBundle } from '@trustmesh/proto';
import { callerTypeOf } from './bundle-service';
import { bundleFor, readSnapshot } from './ca-snapshot';
import { connect, type ClientIdentity } from './testing/client';
import { startTestSigner, type TestSigner } from './testing/fixture';

let t: TestSigner;
let api: ClientIdentity;
let db: ClientIdentity;
const HINT = 1_900_000_000;

beforeAll(async () => {
  t = await startTestSigner();
  api = (await t.obtain('api', 'api-1')).identity;
  db = (await t.obtain('db', 'db-1')).identity;
  await t.state.store.setMeta(renewBeforeMetaKey('api'), String(HINT));
  await t.state.store.setMeta(META.bundleVersion, '2');
}, 30_000);
afterAll(() => t?.close());

/** The first bundle of a watch stream whose version is at least `version` (bounded: 5 s). */
async function firstBundle(identity: ClientIdentity | undefined, version: number): Promise<TrustBundle> {
  const c = connect(t.signer.port, t.state.platformRootPem, identity);
  const stream: ClientReadableStream<TrustBundle> = c.ca.watchTrustBundle({ serviceTypes: ['api', 'db'] });
  try {
    return await new Promise<TrustBundle>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no bundle within 5 s')), 5000);
      stream.on('error', (e: Error) => {
        clearTimeout(timer);
        reject(e);
      });
      stream.on('data', (b: TrustBundle) => {
        if (b.version >= version) {
          clearTimeout(timer);
          resolve(b);
        }
      });
    });
  } finally {
    stream.cancel();
    c.close();
  }
}

describe('signer: per-type renew-before hint', () => {
  it.each([
    ['ok/api certificate gets the api hint', () => api, HINT],
    ['ok/db certificate gets no hint (api is rotating, not db)', () => db, 0],
    ['ok/no client certificate gets no hint', () => undefined, 0],
  ])('%s (WatchTrustBundle over a real signer)', async (_name, who, want) => {
    const b = await firstBundle(who(), 2);
    expect(b.version).toBe(2);
    expect(b.renewBeforeUnix).toBe(want);
  });

  it('ok/GetTrustBundle path: the hint follows the caller certificate handed to the service', async () => {
    const s = await readSnapshot(t.state.store);
    expect(s.renewBefore.get('api')).toBe(HINT);
    const apiLeaf = api.chain[0] as Buffer;
    const dbLeaf = db.chain[0] as Buffer;
    expect(bundleFor(s, ['api'], callerTypeOf(apiLeaf, t.state.mesh)).renewBeforeUnix).toBe(HINT);
    expect(bundleFor(s, ['api'], callerTypeOf(dbLeaf, t.state.mesh)).renewBeforeUnix).toBe(0);
    expect(bundleFor(s, ['api']).renewBeforeUnix).toBe(0);
  });

  it.each([
    ['fail/no certificate', undefined],
    ['fail/empty bytes', Buffer.alloc(0)],
    ['fail/garbage bytes', Buffer.from('not a certificate')],
    ['fail/a CA certificate without a SPIFFE ID', 'root'],
  ])('%s: caller type is undefined (hint 0)', (_name, leaf) => {
    const der = leaf === 'root' ? t.state.cas.api!.root.der : leaf;
    expect(callerTypeOf(der as Buffer | undefined, t.state.mesh)).toBeUndefined();
  });

  it('ok/clearing the hint (value 0) and a malformed value both mean no hint', async () => {
    await t.state.store.setMeta(renewBeforeMetaKey('db'), 'garbage');
    const s = await readSnapshot(t.state.store);
    expect(s.renewBefore.has('db')).toBe(false);
    await t.state.store.setMeta(renewBeforeMetaKey('api'), '0');
    const cleared = await readSnapshot(t.state.store);
    expect(cleared.renewBefore.has('api')).toBe(false);
    expect(cleared.fingerprint).not.toBe(s.fingerprint);
    await t.state.store.setMeta(renewBeforeMetaKey('api'), String(HINT));
  });
});
