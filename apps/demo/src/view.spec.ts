import type { SidecarView } from './sidecar-watch';
import { renderLine, renderSummary, renderView, span, type ViewState } from './view';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (s: number): Date => new Date(T0.getTime() + s * 1000);

function sidecar(name: string, over: Partial<SidecarView> = {}): SidecarView {
  return {
    name,
    reachable: true,
    spiffeId: `spiffe://example.test/${name.split('-')[0]}/x-1`,
    serial: 'abcdef0123456789',
    notAfter: at(95),
    nextRenewal: at(52),
    bundleVersion: 3,
    renewals: 2,
    accepted: { 'outbound/api': 40 },
    refused: {},
    reasons: {},
    fallbacks: 0,
    ...over,
  };
}

function state(over: Partial<ViewState> = {}): ViewState {
  return {
    now: at(35),
    startedAt: T0,
    dir: '/r/.demo-state',
    signerPort: 7443,
    rate: 100,
    okPerSecond: 99,
    p99Ms: 12,
    events: [],
    stats: { ok: 3456, failed: 0, skipped: 0, refused: 35, breaches: 0, probeErrors: 0, latencies: [] },
    sidecars: [
      sidecar('web-sidecar'),
      sidecar('api-sidecar', { refused: { 'inbound/http': 1 } }),
      sidecar('db-sidecar', { refused: { 'inbound/data': 35 }, reasons: { 'inbound/data/CERT_UNTRUSTED': 35 } }),
    ],
    ...over,
  };
}

describe('demo view', () => {
  it.each([
    { ms: undefined, want: '-' },
    { ms: -5, want: '-' },
    { ms: 0, want: '0s' },
    { ms: 42_400, want: '42s' },
    { ms: 65_000, want: '1m 05s' },
    { ms: 600_000, want: '10m 00s' },
  ])('ok/span($ms) = $want', ({ ms, want }) => {
    expect(span(ms)).toBe(want);
  });

  it('ok/live view: DEV marking, both routes with counts, each sidecar with serial, renewal, expiry, bundle', () => {
    const text = renderView(state()).join('\n');
    expect(text).toContain('DEV STATE in /r/.demo-state: development keys, UNENCRYPTED');
    expect(text).toMatch(/client → web → api → db\s+3,456\s+1\s+0\s+99 req\/s, p99 12 ms/);
    expect(text).toMatch(
      /web → db \(direct\)\s+0\s+35\s+0\s+refused by db's sidecar \(db accepts only api\): CERT_UNTRUSTED ×35/,
    );
    expect(text).toMatch(
      /db-sidecar\s+spiffe:\/\/example\.test\/db\/x-1\s+abcdef0123…\s+17s\s+1m 00s\s+v3\s+2\s+40\/35/,
    );
    expect(text).toContain('Ctrl-C to stop');
  });

  it('fail/a web → db request that got through is shown as a breach; an unreachable sidecar says so', () => {
    const v = state({
      stats: { ...state().stats, breaches: 1 },
      sidecars: [sidecar('web-sidecar', { reachable: false })],
    });
    const text = renderView(v).join('\n');
    expect(text).toContain('BREACH: web reached db');
    expect(text).toMatch(/web-sidecar\s+unreachable/);
  });

  it('ok/plain line for non-TTY output', () => {
    expect(renderLine(state())).toBe(
      '[35s] chain ok=3456 failed=0 (99 req/s) · web→db refused=35 breaches=0 · renewals=6 · ' +
        'web abcdef01 renews in 17s · api abcdef01 renews in 17s · db abcdef01 renews in 17s · bundle v3',
    );
  });

  it('ok/summary: totals, renewals, refusals, result', () => {
    const text = renderSummary(state(), 0, 'duration').join('\n');
    expect(text).toContain('chain requests (client → web → api → db): 3,456 ok, 0 failed');
    expect(text).toContain('web → db attempts: 35 refused, 0 got through, 0 errors');
    expect(text).toContain('renewals: web-sidecar 2, api-sidecar 2, db-sidecar 2 (total 6)');
    expect(text).toContain("refusals counted by db's sidecar: CERT_UNTRUSTED ×35");
    expect(text).toContain('result: OK (exit 0)');
    expect(
      renderSummary(
        state({ stats: { ...state().stats, failed: 2, lastError: 'web answered 502' } }),
        1,
        'duration',
      ).join('\n'),
    ).toMatch(/3,456 ok, 2 failed[\s\S]*last failure: web answered 502[\s\S]*result: FAILED \(exit 1\)/);
  });
});
