import { backoffDelayMs, renewalTime } from './renewal-schedule';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

describe('renewalTime', () => {
  // A 300 s certificate: 2/3 is 200 s after notBefore; ±10% of that is ±20 s.
  it.each([
    ['ok/u=0.5 renews at exactly 2/3', { u: 0.5 }, 200],
    ['ok/u=0 is the early edge (-10%)', { u: 0 }, 180],
    ['ok/u→1 is the late edge (+10%)', { u: 0.999999 }, 220],
    ['ok/a hint later than the plan is ignored', { u: 0.5, renewBefore: at(250) }, 200],
    [
      'ok/a hint earlier than the plan spreads renewals between now and the hint',
      { u: 0.5, renewBefore: at(100), uHint: 0.25 },
      10 + 90 * 0.25,
    ],
    ['ok/a hint already past means now', { u: 0.5, renewBefore: at(5) }, 10],
    ['ok/a plan already past means now', { u: 0.5, now: 290 }, 290],
    ['ok/a non-finite random falls back to the middle', { u: Number.NaN }, 200],
  ])('%s', (_name, o: { u: number; renewBefore?: Date; uHint?: number; now?: number }, expected) => {
    const r = renewalTime({
      notBefore: at(0),
      notAfter: at(300),
      now: at(o.now ?? 10),
      u: o.u,
      ...(o.renewBefore ? { renewBefore: o.renewBefore } : {}),
      ...(o.uHint !== undefined ? { uHint: o.uHint } : {}),
    });
    expect((r.getTime() - T0) / 1000).toBeCloseTo(expected, 2);
  });

  it('ok/1000 random draws stay within 2/3 ± 10%', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 1000; i++) {
      const s = (renewalTime({ notBefore: at(0), notAfter: at(3600), now: at(0), u: rnd() }).getTime() - T0) / 1000;
      expect(s).toBeGreaterThanOrEqual(2160);
      expect(s).toBeLessThanOrEqual(2640);
    }
  });
});

describe('backoffDelayMs', () => {
  const policy = { baseMs: 100, capMs: 1000 };
  it.each([
    ['ok/first retry, low draw: half the base', 0, 0, undefined, 50],
    ['ok/first retry, high draw: up to the base', 0, 1, undefined, 100],
    ['ok/doubles per attempt', 3, 0.5, undefined, 600],
    ['ok/capped', 10, 0.5, undefined, 750],
    ['ok/capped at the top', 50, 1, undefined, 1000],
    ['ok/a server retry-after is a floor', 0, 0.5, 400, 400],
    ['ok/even the retry-after floor is capped', 0, 0.5, 60_000, 1000],
    ['ok/negative attempts count as the first', -3, 0.5, undefined, 75],
  ])('%s', (_name, attempt, u, retryAfter, expected) => {
    expect(backoffDelayMs(attempt, u, policy, retryAfter)).toBe(expected);
  });
});
