import { callerKey, RateLimiter, SignerError } from './index';

function refused(f: () => void): number | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(SignerError);
    expect((e as SignerError).code).toBe('RATE_LIMITED');
    return (e as SignerError).retryAfterMs;
  }
}

describe('RateLimiter', () => {
  it('ok/a burst passes, the next is refused with the time to the next token, which then passes', () => {
    const rl = new RateLimiter({ perIdentity: { perSecond: 2, burst: 3 }, overall: { perSecond: 100, burst: 100 } });
    for (let i = 0; i < 3; i++) expect(refused(() => rl.take('a', 1000))).toBeUndefined();
    expect(refused(() => rl.take('a', 1000))).toBe(500);
    expect(refused(() => rl.take('a', 1250))).toBe(250);
    expect(refused(() => rl.take('a', 1500))).toBeUndefined();
  });

  it('ok/one identity flooding does not limit another', () => {
    const rl = new RateLimiter({ perIdentity: { perSecond: 1, burst: 2 }, overall: { perSecond: 100, burst: 100 } });
    rl.take('flood', 0);
    rl.take('flood', 0);
    expect(refused(() => rl.take('flood', 0))).toBe(1000);
    expect(refused(() => rl.take('calm', 0))).toBeUndefined();
  });

  it('fail/the overall bucket limits many identities together', () => {
    const rl = new RateLimiter({ perIdentity: { perSecond: 10, burst: 10 }, overall: { perSecond: 4, burst: 4 } });
    for (let i = 0; i < 4; i++) rl.take(`id-${i}`, 0);
    expect(refused(() => rl.take('id-new', 0))).toBe(250);
  });

  it('ok/a refused request takes nothing', () => {
    const rl = new RateLimiter({ perIdentity: { perSecond: 1, burst: 1 }, overall: { perSecond: 1, burst: 2 } });
    rl.take('a', 0);
    expect(refused(() => rl.take('a', 0))).toBe(1000);
    // The overall token 'a' was refused is still there for 'b'.
    expect(refused(() => rl.take('b', 0))).toBeUndefined();
  });

  it('ok/the identity map is bounded', () => {
    const rl = new RateLimiter({
      perIdentity: { perSecond: 1, burst: 1 },
      overall: { perSecond: 1e6, burst: 1e6 },
      maxIdentities: 2,
    });
    rl.take('a', 0);
    rl.take('b', 0);
    rl.take('c', 0); // forgets 'a'
    expect(refused(() => rl.take('a', 0))).toBeUndefined();
  });

  it('fail/invalid specs are refused at construction', () => {
    expect(
      () => new RateLimiter({ perIdentity: { perSecond: 0, burst: 1 }, overall: { perSecond: 1, burst: 1 } }),
    ).toThrow(SignerError);
    expect(
      () => new RateLimiter({ perIdentity: { perSecond: 1, burst: 0.5 }, overall: { perSecond: 1, burst: 1 } }),
    ).toThrow(SignerError);
  });
});

describe('callerKey', () => {
  const cases: [string, [string, string, string], string][] = [
    ['ok/claimed identity from an IPv4 host', ['api', 'a-1', '10.0.0.7:51234'], 'sign:api/a-1@10.0.0.7'],
    ['ok/IPv6 host keeps its colons, drops the port', ['api', 'a-1', '::1:40000'], 'sign:api/a-1@::1'],
    ['ok/no claimed identity: the host alone', ['', 'a-1', '10.0.0.7:1'], 'sign:@10.0.0.7'],
    ['ok/unknown peer', ['api', 'a-1', 'unknown'], 'sign:api/a-1@unknown'],
  ];
  it.each(cases)('%s', (_n, [type, instance, peer], want) => {
    expect(callerKey('sign', type, instance, peer)).toBe(want);
  });
});
