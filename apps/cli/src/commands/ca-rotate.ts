/** `trustmesh ca rotate <type> --intermediate | --root --phase prepare|activate|retire`. */
import { parseDurationSeconds } from '@trustmesh/names';
import { defineCommand } from '../command';
import { COMMON_OPTIONS, type ConfigIssue } from '../config';
import { activatePhase, LAYOUT, preparePhase, retirePhase, rotateIntermediate } from '@trustmesh/ca';
import { runRotationCommand } from '../rotation-command';

type Phase = 'prepare' | 'activate' | 'retire';
interface RotateOptions {
  type: string;
  kind: 'intermediate' | Phase;
  force: boolean;
  windowSeconds: number;
  threshold: number;
  sinceSeconds: number;
}

const PHASES: readonly Phase[] = ['prepare', 'activate', 'retire'];

export const caRotateCommand = defineCommand<RotateOptions>({
  path: ['ca', 'rotate'],
  summary: "rotate a type's issuing intermediate (--intermediate) or its root (--root --phase prepare|activate|retire)",
  help: [
    '--intermediate: a new issuing intermediate under the same root (needs the root key in offline/);',
    '  the signer issues from it at once, leaves move over at their next renewal; no bundle change.',
    '--root --phase prepare: new root (incoming) + intermediate (standby); bundle version bumped.',
    '--root --phase activate [--window 10m] [--threshold 100%]: refused (ROTATION_NOT_SAFE, laggards named)',
    '  until that share of the sidecars of the type and of every type accepting or dialing it report the',
    "  prepare bundle version; then the new CA issues and the type's sidecars get a renew-before hint",
    '  (now + window, random moment inside it); bundle version bumped.',
    '--root --phase retire [--since 10m]: refused while a leaf under the old root is unexpired, a sidecar',
    '  of the type still uses an old-CA certificate, or a fallback involving the type was reported in the',
    '  last --since; then the old root and its intermediates are retired (dropped from the bundle), the',
    `  hint cleared, the version bumped and the old keys moved to ${LAYOUT.archive}/ (never deleted).`,
    '--force runs a refused step anyway (printed and audited). Phases out of order: ROTATION_PHASE_INVALID.',
    'Every phase is idempotent: re-running a completed phase says so and changes nothing; a run that',
    `crashed midway is re-run as is (keys it wrote but never recorded are moved to ${LAYOUT.archive}/).`,
  ].join('\n'),
  args: {
    positionals: [{ name: 'type', describe: 'service type' }],
    options: {
      dir: COMMON_OPTIONS.dir,
      intermediate: { type: 'boolean', describe: 'rotate the issuing intermediate' },
      root: { type: 'boolean', describe: 'rotate the root (with --phase)' },
      phase: { type: 'string', valueName: 'PHASE', describe: 'prepare | activate | retire' },
      window: { type: 'string', valueName: 'DURATION', describe: 'activate: renew-before window (default 10m)' },
      threshold: {
        type: 'string',
        valueName: 'PERCENT',
        describe: 'activate: share of sidecars that must be ready (default 100%)',
      },
      since: {
        type: 'string',
        valueName: 'DURATION',
        describe: 'retire: how far back a reported fallback blocks (default 10m)',
      },
      force: { type: 'boolean', describe: 'run the step although its safety check refuses' },
      'passphrase-file': COMMON_OPTIONS['passphrase-file'],
      json: COMMON_OPTIONS.json,
    },
  },
  configure(args, issues) {
    const v = args.values;
    let kind: RotateOptions['kind'] = 'intermediate';
    if (v.intermediate === true && v.root === true)
      issues.push({ where: '--root', message: 'cannot be combined with --intermediate' });
    else if (v.intermediate !== true && v.root !== true)
      issues.push({ where: '--intermediate', message: 'give --intermediate or --root --phase P' });
    if (v.root === true) {
      if (typeof v.phase !== 'string')
        issues.push({ where: '--phase', message: 'required with --root (prepare, activate, retire)' });
      else if (!(PHASES as readonly string[]).includes(v.phase))
        issues.push({ where: '--phase', message: `must be prepare, activate or retire, got '${v.phase}'` });
      else kind = v.phase as Phase;
    } else if (v.phase !== undefined) issues.push({ where: '--phase', message: 'only with --root' });
    const only = (flag: string, phase: Phase): void => {
      if (v[flag] !== undefined && kind !== phase)
        issues.push({ where: `--${flag}`, message: `only with --root --phase ${phase}` });
    };
    only('window', 'activate');
    only('threshold', 'activate');
    only('since', 'retire');
    return {
      type: args.positionals[0],
      kind,
      force: v.force === true,
      windowSeconds: duration(v.window, '10m', '--window', issues),
      sinceSeconds: duration(v.since, '10m', '--since', issues),
      threshold: percent(v.threshold, issues),
    };
  },
  run(cfg, io) {
    const o = cfg.options;
    const action = o.kind === 'intermediate' ? 'ca.rotate.intermediate' : `ca.rotate.${o.kind}`;
    return runRotationCommand(cfg, io, action, (ctx) => {
      switch (o.kind) {
        case 'intermediate':
          return rotateIntermediate(ctx);
        case 'prepare':
          return preparePhase(ctx);
        case 'activate':
          return activatePhase(ctx, { windowSeconds: o.windowSeconds, threshold: o.threshold });
        case 'retire':
          return retirePhase(ctx, { sinceSeconds: o.sinceSeconds });
      }
    });
  },
});

function duration(value: unknown, dflt: string, where: string, issues: ConfigIssue[]): number {
  const text = typeof value === 'string' ? value : dflt;
  try {
    const s = parseDurationSeconds(text);
    if (s <= 7 * 86_400) return s;
  } catch {
    // reported below
  }
  issues.push({ where, message: `'${text}' is not a duration up to 7d (e.g. 30s, 10m, 1h)` });
  return 0;
}

/** `100%`, `90%` or a fraction `0.9`; must be in (0, 1]. */
function percent(value: unknown, issues: ConfigIssue[]): number {
  if (value === undefined) return 1;
  const text = String(value);
  const m = /^([0-9]+(?:\.[0-9]+)?)(%?)$/.exec(text);
  const n = m ? Number(m[1]) / (m[2] === '%' ? 100 : 1) : NaN;
  if (n > 0 && n <= 1) return n;
  issues.push({ where: '--threshold', message: `'${text}' must be a share in (0, 100%], e.g. 100% or 0.9` });
  return 1;
}
