/**
 * The demo's terminal view, as pure functions of a snapshot: the full table (redrawn once a
 * second with ANSI when stdout is a TTY), one plain status line (periodic, when it is not), and
 * the closing summary.
 */
import type { SidecarView } from './sidecar-watch';
import type { TrafficStats } from './traffic';

/** Everything the view shows. */
export interface ViewState {
  readonly now: Date;
  readonly startedAt: Date;
  readonly dir: string;
  readonly signerPort: number;
  readonly rate: number;
  readonly stats: TrafficStats;
  /** Chain requests answered OK in the last second. */
  readonly okPerSecond: number;
  /** p99 latency (ms) of the last second, undefined without samples. */
  readonly p99Ms?: number;
  readonly sidecars: readonly SidecarView[];
  /** Most recent events, oldest first (renewals, rotation steps). */
  readonly events: readonly string[];
  /** Set during `--rotate`: the current rotation phase. */
  readonly rotation?: string;
  /** Set with `--duration`: seconds left. */
  readonly secondsLeft?: number;
}

/** The sidecar routes that carry the chain (direction/route), per sidecar name. */
const CHAIN_ROUTES: Record<string, readonly string[]> = {
  'web-sidecar': ['outbound/api'],
  'api-sidecar': ['inbound/http', 'outbound/db'],
  'db-sidecar': [],
};

/** ANSI: home + clear screen. */
export const CLEAR = '\x1b[H\x1b[2J';

const pad = (s: string | number, n: number): string => String(s).padEnd(n);
const num = (n: number): string => n.toLocaleString('en-US');

/** `1m 05s` / `42s` / `-` for a time span in ms (negative or missing → `-`). */
export function span(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function sum(rec: Record<string, number>, keys: readonly string[]): number {
  return keys.reduce((n, k) => n + (rec[k] ?? 0), 0);
}

/** The refusal reasons db's sidecar counted, as `REASON ×n` text. */
function dbReasons(sidecars: readonly SidecarView[]): string {
  const db = sidecars.find((s) => s.name === 'db-sidecar');
  if (!db) return '';
  return Object.entries(db.reasons)
    .map(([k, n]) => `${k.split('/').pop()} ×${n}`)
    .join(', ');
}

/** The full live view, one string per line. */
export function renderView(v: ViewState): string[] {
  const up = span(v.now.getTime() - v.startedAt.getTime());
  const chainRefused = v.sidecars.reduce((n, s) => n + sum(s.refused, CHAIN_ROUTES[s.name] ?? []), 0);
  const lines = [
    'TrustMesh demo: web → api → db, each behind its mTLS sidecar',
    `DEV STATE in ${v.dir}: development keys, UNENCRYPTED (--insecure-plaintext-keys). Never use it in production.`,
    `up ${up} · signer 127.0.0.1:${v.signerPort} · target ${v.rate} req/s${v.secondsLeft !== undefined ? ` · ${v.secondsLeft}s left` : ' · Ctrl-C to stop'}`,
    '',
    `${pad('ROUTE', 26)}${pad('OK', 11)}${pad('REFUSED', 9)}${pad('FAILED', 8)}NOTE`,
    `${pad('client → web → api → db', 26)}${pad(num(v.stats.ok), 11)}${pad(num(chainRefused), 9)}${pad(num(v.stats.failed), 8)}` +
      `${v.okPerSecond} req/s${v.p99Ms !== undefined ? `, p99 ${v.p99Ms} ms` : ''}${v.stats.skipped > 0 ? `, ${num(v.stats.skipped)} not sent (in-flight cap)` : ''}`,
    `${pad('web → db (direct)', 26)}${pad(num(v.stats.breaches), 11)}${pad(num(v.stats.refused), 9)}${pad(num(v.stats.probeErrors), 8)}` +
      (v.stats.breaches > 0
        ? 'BREACH: web reached db'
        : `refused by db's sidecar (db accepts only api)${dbReasons(v.sidecars) ? `: ${dbReasons(v.sidecars)}` : ''}`),
    '',
    `${pad('SIDECAR', 13)}${pad('SPIFFE ID', 33)}${pad('SERIAL', 14)}${pad('RENEWS IN', 11)}${pad('EXPIRES IN', 12)}${pad('BUNDLE', 8)}${pad('RENEWALS', 10)}CONNS OK/REFUSED`,
    ...v.sidecars.map((s) => {
      const ok = Object.values(s.accepted).reduce((a, b) => a + b, 0);
      const ref = Object.values(s.refused).reduce((a, b) => a + b, 0);
      const at = v.now.getTime();
      return (
        `${pad(s.name, 13)}${pad(s.reachable ? (s.spiffeId ?? '-') : 'unreachable', 33)}${pad(s.serial ? `${s.serial.slice(0, 10)}…` : '-', 14)}` +
        `${pad(span(s.nextRenewal && s.nextRenewal.getTime() - at), 11)}${pad(span(s.notAfter && s.notAfter.getTime() - at), 12)}` +
        `${pad(s.bundleVersion !== undefined ? `v${s.bundleVersion}` : '-', 8)}${pad(s.renewals, 10)}${num(ok)}/${num(ref)}`
      );
    }),
  ];
  if (v.rotation) lines.push('', `rotation: ${v.rotation}`);
  if (v.stats.lastError) lines.push('', `last failure: ${v.stats.lastError}`);
  if (v.events.length > 0) lines.push('', 'recent:', ...v.events.map((e) => `  ${e}`));
  return lines;
}

/** One plain status line (non-TTY output). */
export function renderLine(v: ViewState): string {
  const at = v.now.getTime();
  const ids = v.sidecars.map(
    (s) =>
      `${s.name.replace('-sidecar', '')} ${s.serial ? s.serial.slice(0, 8) : '-'} renews in ${span(s.nextRenewal && s.nextRenewal.getTime() - at)}`,
  );
  const bundles = [...new Set(v.sidecars.map((s) => s.bundleVersion).filter((b) => b !== undefined))]
    .map((b) => `v${b}`)
    .join('/');
  return (
    `[${span(at - v.startedAt.getTime())}] chain ok=${v.stats.ok} failed=${v.stats.failed} (${v.okPerSecond} req/s) · ` +
    `web→db refused=${v.stats.refused} breaches=${v.stats.breaches} · renewals=${v.sidecars.reduce((n, s) => n + s.renewals, 0)} · ` +
    `${ids.join(' · ')} · bundle ${bundles || '-'}${v.rotation ? ` · rotation: ${v.rotation}` : ''}`
  );
}

/** The closing summary lines. */
export function renderSummary(v: ViewState, exitCode: number, reason: string): string[] {
  return [
    '',
    `TrustMesh demo summary (${reason}, ran ${span(v.now.getTime() - v.startedAt.getTime())}):`,
    `  chain requests (client → web → api → db): ${num(v.stats.ok)} ok, ${num(v.stats.failed)} failed` +
      (v.stats.skipped > 0 ? `, ${num(v.stats.skipped)} not sent (in-flight cap)` : ''),
    `  web → db attempts: ${num(v.stats.refused)} refused, ${num(v.stats.breaches)} got through, ${num(v.stats.probeErrors)} errors`,
    `  renewals: ${v.sidecars.map((s) => `${s.name} ${s.renewals}`).join(', ')} (total ${v.sidecars.reduce((n, s) => n + s.renewals, 0)})`,
    `  refusals counted by db's sidecar: ${dbReasons(v.sidecars) || 'none'}`,
    `  fallbacks: ${v.sidecars.map((s) => `${s.name} ${s.fallbacks}`).join(', ')}`,
    ...(v.rotation ? [`  rotation: ${v.rotation}`] : []),
    ...(v.stats.lastError ? [`  last failure: ${v.stats.lastError}`] : []),
    `  logs: ${v.dir}/logs/ · result: ${exitCode === 0 ? 'OK' : 'FAILED'} (exit ${exitCode})`,
  ];
}
