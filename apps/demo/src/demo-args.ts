/**
 * Arguments of the demo (`npm start -- ...`).
 */
import { resolve } from 'node:path';
import { DemoError } from './demo-error';

/** What the demo was asked to do. */
export interface DemoOptions {
  /** Run unattended for this many seconds, print a summary, exit. Default: until Ctrl-C. */
  readonly durationSeconds?: number;
  /** Steady client requests per second through web → api → db. Default 100. */
  readonly rate: number;
  /** A service type whose root is rotated live (prepare → activate → retire). */
  readonly rotate?: string;
  /** State directory (absolute). Default `<repo>/.demo-state`. */
  readonly dir: string;
  /** Force plain periodic lines even on a TTY. */
  readonly plain: boolean;
}

/** Usage text printed by `npm start -- --help`. */
export const DEMO_USAGE = [
  'usage: npm start -- [--duration SECONDS] [--rate N] [--rotate TYPE] [--dir D] [--plain]',
  '',
  'Runs the demo mesh on 127.0.0.1: a signer, the example services web → api → db (examples/),',
  'each behind its own sidecar, steady client traffic through the chain and, once a second, an',
  'attempt of web to reach db directly (refused by db\'s sidecar: the mesh does not allow it).',
  'The live view shows requests per route, each sidecar\'s serial and time to renewal, the bundle',
  'version. Leaf lifetime is 1 minute so renewals are visible. Keys are DEVELOPMENT keys, written',
  'unencrypted to the state directory, which is wiped and re-created on every run.',
  '',
  'options:',
  '  --duration SECONDS  run unattended, then print a summary and exit (1 to 3600);',
  '                      exit 1 when any allowed request failed or web ever reached db',
  '  --rate N            client requests per second (1 to 500, default 100)',
  '  --rotate TYPE       rotate TYPE\'s root live: prepare, activate, retire (needs `trustmesh ca rotate`)',
  '  --dir D             state directory (default <repo>/.demo-state)',
  '  --plain             periodic plain lines instead of the redrawn view (default when not a TTY)',
  '  --help              show this help',
  '',
  'Ctrl-C stops every process cleanly and exits 0.',
].join('\n');

/**
 * Parses the demo's argv. `defaultDir` is used when `--dir` is absent; relative dirs resolve
 * against `cwd`.
 * @throws DemoError ARGS_INVALID naming the flag for unknown flags, missing or bad values
 */
export function parseDemoArgs(argv: readonly string[], defaultDir: string, cwd: string): DemoOptions {
  let durationSeconds: number | undefined;
  let rate = 100;
  let rotate: string | undefined;
  let dir = defaultDir;
  let plain = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--plain') { plain = true; continue; }
    const value = argv[i + 1];
    if (!['--duration', '--rate', '--rotate', '--dir'].includes(flag)) throw new DemoError('ARGS_INVALID', `unknown argument ${flag}`);
    if (value === undefined || value.startsWith('--')) throw new DemoError('ARGS_INVALID', `${flag} needs a value`);
    i++;
    if (flag === '--duration') durationSeconds = intIn(flag, value, 1, 3600);
    else if (flag === '--rate') rate = intIn(flag, value, 1, 500);
    else if (flag === '--rotate') {
      if (!/^[a-z][a-z0-9-]{0,30}$/.test(value)) throw new DemoError('ARGS_INVALID', '--rotate needs a service type name');
      rotate = value;
    } else dir = resolve(cwd, value);
  }
  return { ...(durationSeconds !== undefined ? { durationSeconds } : {}), rate, ...(rotate ? { rotate } : {}), dir, plain };
}

function intIn(flag: string, text: string, min: number, max: number): number {
  const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new DemoError('ARGS_INVALID', `${flag} must be a whole number from ${min} to ${max}`);
  return n;
}
