/** `trustmesh status [--json] [--watch] [--since 10m]`: per type, CAs, adoption, leaves, fallbacks, next step. */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDurationSeconds } from '@trustmesh/names';
import type { CliIo } from '../command';
import { defineCommand } from '../command';
import { COMMON_OPTIONS } from '../config';
import { fleetStatus, withState, type FleetStatus } from '@trustmesh/ca';

/** Redraw interval of --watch. */
const WATCH_INTERVAL_MS = 2000;

interface StatusOptions {
  watch: boolean;
  count: number;
  sinceSeconds: number;
}

export const statusCommand = defineCommand<StatusOptions>({
  path: ['status'],
  summary: 'per type: CAs and states, bundle adoption, live leaves per CA, recent fallbacks, next safe rotation step',
  help: [
    'Adoption counts the sidecars of the type and of every type that accepts or dials it (what a root',
    'rotation of the type waits for); sidecars below the bundle version in force are named as stale.',
    'Fallbacks are those reported with a last occurrence within --since (default 10m). The next step is',
    'judged by the same checks `ca rotate` uses to refuse. --watch redraws every 2 s until Ctrl-C',
    '(--count N stops after N draws); with --json it prints one JSON document per line.',
  ].join('\n'),
  args: {
    positionals: [],
    options: {
      dir: COMMON_OPTIONS.dir,
      json: COMMON_OPTIONS.json,
      watch: { type: 'boolean', describe: 'redraw every 2 s until Ctrl-C' },
      count: { type: 'string', valueName: 'N', describe: 'with --watch: stop after N draws' },
      since: { type: 'string', valueName: 'DURATION', describe: 'fallback window (default 10m)' },
    },
  },
  configure(args, issues) {
    const v = args.values;
    let sinceSeconds = 600;
    if (typeof v.since === 'string') {
      try {
        sinceSeconds = parseDurationSeconds(v.since);
      } catch {
        issues.push({ where: '--since', message: `'${v.since}' is not a duration (e.g. 30s, 10m, 1h)` });
      }
    }
    let count = v.watch === true ? Number.POSITIVE_INFINITY : 1;
    if (typeof v.count === 'string') {
      if (v.watch !== true) issues.push({ where: '--count', message: 'only with --watch' });
      else if (/^[1-9][0-9]{0,5}$/.test(v.count)) count = Number(v.count);
      else issues.push({ where: '--count', message: `'${v.count}' is not a whole number from 1 to 999999` });
    }
    return { watch: v.watch === true, count, sinceSeconds };
  },
  run: (cfg, io) =>
    withState(cfg.dir, { lock: false }, async ({ store, mesh }) => {
      for (let i = 0; i < cfg.options.count; i++) {
        if (i > 0) await sleep(WATCH_INTERVAL_MS);
        const s = await fleetStatus(store, mesh, i === 0 ? cfg.now : cfg.clock(), cfg.options.sinceSeconds);
        if (cfg.json) io.out(JSON.stringify(s, null, cfg.options.watch ? undefined : 2));
        else {
          // Clear the screen between draws of --watch, like `watch(1)`.
          if (cfg.options.watch) io.out('\x1b[2J\x1b[H');
          printStatus(io, s);
        }
      }
      return 0;
    }),
});

function printStatus(io: CliIo, s: FleetStatus): void {
  io.out(`trustmesh status at ${s.at} — bundle v${s.bundleVersion}`);
  for (const t of s.types) {
    io.out('');
    io.out(
      `${t.serviceType}${t.rotation ? `  (root rotation: ${t.rotation.phase})` : ''}${t.renewBeforeUnix > 0 ? `  renew before ${new Date(t.renewBeforeUnix * 1000).toISOString()}` : ''}`,
    );
    for (const c of t.cas) {
      io.out(
        `  ${c.role.padEnd(12)} ${c.id.padEnd(44)} ${c.state.padEnd(8)} until ${c.notAfter}  live leaves: ${t.liveLeaves[c.id] ?? 0}`,
      );
    }
    const versions = Object.entries(t.adoption.byVersion).sort(([a], [b]) => Number(b) - Number(a));
    io.out(
      `  adoption (${t.adoption.types.join(', ')}): ${
        versions.length === 0
          ? 'no sidecar has reported'
          : versions
              .map(([v, ids]) => `${v === 'none' ? 'no version' : `v${v}`}: ${ids.length} (${ids.join(', ')})`)
              .join('; ')
      }`,
    );
    if (t.adoption.stale.length > 0) io.out(`  stale: ${t.adoption.stale.join(', ')}`);
    io.out(
      `  fallbacks (last ${s.sinceSeconds}s): ${
        t.fallbacks.length === 0
          ? 'none'
          : t.fallbacks
              .map(
                (f) =>
                  `${f.instanceId} → ${f.peerType}${f.peerAddress ? `@${f.peerAddress}` : ''} ${f.kind} x${f.count}`,
              )
              .join('; ')
      }`,
    );
    io.out(`  next: ${t.nextStep}`);
  }
}
