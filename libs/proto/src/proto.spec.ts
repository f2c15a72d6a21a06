import {
  AnchorState,
  HealthCheckResponse,
  HealthCheckResponse_ServingStatus,
  SignRequest,
  StatusReport,
  TrustBundle,
} from './index';

describe('proto codecs', () => {
  it('ok/sign-request round-trips bytes and strings', () => {
    const msg = {
      csr: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]),
      serviceType: 'api',
      instanceId: 'a-1',
      bootstrapToken: 't',
    };
    const back = SignRequest.decode(SignRequest.encode(msg).finish());
    expect(Buffer.from(back.csr).equals(msg.csr)).toBe(true);
    expect(back).toMatchObject({ serviceType: 'api', instanceId: 'a-1', bootstrapToken: 't' });
  });

  it('ok/trust-bundle keeps version, anchor states and the renew hint', () => {
    const bundle: TrustBundle = {
      version: 7,
      renewBeforeUnix: 1_900_000_000,
      types: [
        { serviceType: 'db', anchors: [{ caId: 'ab', certificate: Buffer.from('x'), state: AnchorState.INCOMING }] },
      ],
    };
    const back = TrustBundle.decode(TrustBundle.encode(bundle).finish());
    expect(back.version).toBe(7);
    expect(back.renewBeforeUnix).toBe(1_900_000_000);
    expect(back.types[0]?.anchors[0]?.state).toBe(AnchorState.INCOMING);
  });

  it('ok/status-report carries fallbacks', () => {
    const report = StatusReport.fromPartial({
      instanceId: 'a-1',
      serviceType: 'api',
      fallbacks: [{ peerType: 'db', kind: 'previous-identity', count: 3 }],
    });
    const back = StatusReport.decode(StatusReport.encode(report).finish());
    expect(back.fallbacks[0]).toMatchObject({ peerType: 'db', count: 3 });
  });

  it('ok/health-status encodes the standard enum values', () => {
    const bytes = HealthCheckResponse.encode({ status: HealthCheckResponse_ServingStatus.SERVING }).finish();
    expect(Buffer.from(bytes).toString('hex')).toBe('0801');
  });

  it('fail/truncated bytes do not decode', () => {
    const bytes = SignRequest.encode({
      csr: Buffer.alloc(10),
      serviceType: 'api',
      instanceId: 'a',
      bootstrapToken: '',
    }).finish();
    expect(() => SignRequest.decode(bytes.subarray(0, 5))).toThrow();
  });
});
