/**
 * The Markdown output of the sidecar benchmark: one table with raw TCP, TrustMesh, stunnel and
 * haproxy side by side (each proxy cell with its ratio to raw TCP), then the goal check
 * (TrustMesh at least stunnel on every row; at least haproxy on bulk and 32-connection
 * requests/s), then the session counts that show the resumption switch worked.
 */
import { fmt, markdownTable } from '../lib/table';

/** One system's figure for a row; `extra` carries a second figure of the same measurement. */
export interface Cell {
  value: number;
  extra?: number;
  note?: string;
}

/** One row of the table. */
export interface Metric {
  label: string;
  /** Which way is better; 'none' rows carry only notes. */
  better: 'higher' | 'lower' | 'none';
  /** By system: raw, trustmesh, stunnel, haproxy. */
  cells: Record<string, Cell>;
  digits: number;
  /** The raw column is the echo server's own figure, not a baseline to divide by. */
  noRaw?: boolean;
}

const PROXIES = ['trustmesh', 'stunnel', 'haproxy', 'node-naive'] as const;
/** Rows where the goal is to reach haproxy too (docs/BENCHMARKS.md). */
const HAPROXY_GOAL = /^(bulk MB\/s|32-conn req\/s)/;

function cellText(m: Metric, system: string): string {
  const c = m.cells[system];
  if (!c) return '–';
  if (m.better === 'none') return c.note ?? '–';
  const v = fmt(c.value, m.digits);
  if (system === 'raw') return m.noRaw ? `(echo ${v})` : v;
  const raw = m.cells.raw;
  return m.noRaw || !raw ? v : `${v} (${fmt(c.value / raw.value, 2)}x)`;
}

/** TrustMesh's figure relative to `other`, as "how many times as good" (> 1 is better). */
function advantage(m: Metric, other: string): number {
  const tm = m.cells.trustmesh?.value ?? NaN;
  const o = m.cells[other]?.value ?? NaN;
  return m.better === 'higher' ? tm / o : o / tm;
}

/** `context` is one line about the run (time, load average) printed under the heading. */
export function renderReport(metrics: Metric[], when: Date, context: string): string {
  const main = markdownTable(
    ['metric', 'raw TCP', 'TrustMesh (x raw)', 'stunnel (x raw)', 'haproxy (x raw)', 'node-naive, reference (x raw)'],
    metrics.map((m) => [m.label, ...['raw', ...PROXIES].map((s) => cellText(m, s))]),
  );
  const goalRows = metrics
    .filter((m) => m.better !== 'none')
    .map((m) => {
      const verdict = (x: number, goal: boolean): string => {
        if (!Number.isFinite(x)) return '– (not run)';
        // Rounded down, so that a miss never prints as "1.00x".
        const shown = `${fmt(Math.floor(x * 100) / 100, 2)}x`;
        return goal ? `${shown} ${x >= 1 ? 'ok' : '**MISSED**'}` : `${shown} (no goal)`;
      };
      return [
        m.label,
        verdict(advantage(m, 'stunnel'), true),
        verdict(advantage(m, 'haproxy'), HAPROXY_GOAL.test(m.label)),
      ];
    });
  const goals = markdownTable(
    ['row', 'TrustMesh vs stunnel (≥ 1 = as good or better)', 'TrustMesh vs haproxy'],
    goalRows,
  );
  const sessions = metrics
    .filter((m) => m.label.startsWith('new conn/s') && m.cells.trustmesh?.note)
    .map((m) => `- ${m.label}: TrustMesh B accepted ${m.cells.trustmesh!.note!.replace(/^\(B: |\)$/g, '')}`);
  return [
    `\n## Sidecar vs stunnel and haproxy (${when.toISOString().slice(0, 16).replace('T', ' ')} UTC)\n`,
    context,
    '',
    main,
    '\nGoal check (ratios are "times as good": higher rate, or lower latency or CPU):\n',
    goals,
    '\nSessions seen by the TrustMesh inbound (from its per-connection log):\n',
    ...sessions,
    '',
  ].join('\n');
}
