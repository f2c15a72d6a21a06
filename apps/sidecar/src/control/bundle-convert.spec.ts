import { AnchorState, type TrustBundle as WireBundle } from '@trustmesh/proto';
import { SidecarError } from '../errors';
import { createTestCa } from '../testing/test-mesh';
import { renewBeforeOf, toTrustBundle } from './bundle-convert';

const now = new Date();
const api = createTestCa('api', now);
const apiNext = createTestCa('api', now, 'api-next');
const db = createTestCa('db', now);
const web = createTestCa('web', now);

function wire(types: WireBundle['types'], version = 3, renewBeforeUnix = 0): WireBundle {
  return { version, types, renewBeforeUnix };
}

describe('toTrustBundle', () => {
  it('ok/active, incoming and retiring roots are trusted; unspecified ones and unrequested types are not', () => {
    const b = toTrustBundle(
      wire([
        {
          serviceType: 'api',
          anchors: [
            { caId: 'a', certificate: api.root, state: AnchorState.ACTIVE },
            { caId: 'b', certificate: apiNext.root, state: AnchorState.INCOMING },
            { caId: 'c', certificate: db.root, state: AnchorState.ANCHOR_STATE_UNSPECIFIED },
          ],
        },
        { serviceType: 'db', anchors: [{ caId: 'd', certificate: db.root, state: AnchorState.RETIRING }] },
        { serviceType: 'web', anchors: [{ caId: 'e', certificate: web.root, state: AnchorState.ACTIVE }] },
      ]),
      ['api', 'db'],
    );
    expect(b.version).toBe(3);
    expect([...b.rootsPem.keys()].sort()).toEqual(['api', 'db']);
    expect(b.rootsPem.get('api')).toHaveLength(2);
    expect(b.rootsPem.get('db')).toHaveLength(1);
  });

  it('ok/a requested type the signer did not send gets no roots (its peers are refused)', () => {
    const b = toTrustBundle(wire([]), ['db']);
    expect(b.rootsPem.get('db')).toEqual([]);
  });

  it.each([
    ['fail/garbage certificate', Buffer.from('not a certificate')],
    ['fail/an intermediate is not a self-signed anchor', api.intermediate],
  ])('%s → TRUST_INVALID', (_name, certificate) => {
    let err: unknown;
    try {
      toTrustBundle(wire([{ serviceType: 'api', anchors: [{ caId: 'x', certificate, state: AnchorState.ACTIVE }] }]), [
        'api',
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SidecarError);
    expect((err as SidecarError).code).toBe('TRUST_INVALID');
  });

  it('ok/renew-before hint: 0 is none, else seconds since the epoch', () => {
    expect(renewBeforeOf(wire([], 1, 0))).toBeUndefined();
    expect(renewBeforeOf(wire([], 1, 1_800_000_000))?.toISOString()).toBe('2027-01-15T08:00:00.000Z');
  });
});
