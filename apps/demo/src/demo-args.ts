/**
 * Arguments of the demo (`npm start -- ...`).
 */
import { resolve } from 'node:path';
import { isArgsError, parseArgv, type ArgsSpec } from '@trustmesh/args';
import { typeNameProblem } from '@trustmesh/names';
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
  "attempt of web to reach db directly (refused by db's sidecar: the mesh does not allow it).",
  "The live view shows requests per route, each sidecar's serial and time to renewal, the bundle",
  'version. Leaf lifetime is 1 minute so renewals are visible. Keys are DEVELOPMENT keys, written',
  'unencrypted to the state directory, which is wiped and re-created on every run.',
  '',
  'options:',
  '  --duration SECONDS  run unattended, then print a summary and exit (1 to 3600);',
  '                      exit 1 when any allowed request failed or web ever reached db',
  '  --rate N            client requests per second (1 to 500, default 100)',
  "  --rotate TYPE       rotate TYPE's root live: prepare, activate, retire (needs `trustmesh ca rotate`)",
  '  --dir D             state directory (default <repo>/.demo-state)',
  '  --plain             periodic plain lines instead of the redrawn view (default when not a TTY)',
  '  --help              show this help',
  '',
  'Ctrl-C stops every process cleanly and exits 0.',
].join('\n');

/** The demo's flags (parsed by @trustmesh/args; `--help` is answered before parsing, in run-demo.ts). */
const DEMO_ARGS: ArgsSpec = {
  positionals: [],
  options: {
    duration: { type: 'string', valueName: 'SECONDS', describe: 'run unattended, then print a summary and exit' },
    rate: { type: 'string', valueName: 'N', describe: 'client requests per second' },
    rotate: { type: 'string', valueName: 'TYPE', describe: "rotate TYPE's root live" },
    dir: { type: 'string', valueName: 'D', describe: 'state directory' },
    plain: { type: 'boolean', describe: 'periodic plain lines instead of the redrawn view' },
  },
};

/**
 * Parses the demo's argv. `defaultDir` is used when `--dir` is absent; relative dirs resolve
 * against `cwd`.
 * @throws DemoError ARGS_INVALID naming the flag for unknown flags, missing or bad values
 */
export function parseDemoArgs(argv: readonly string[], defaultDir: string, cwd: string): DemoOptions {
  let v: Readonly<Record<string, unknown>>;
  try {
    v = parseArgv(DEMO_ARGS, argv).values;
  } catch (err) {
    if (isArgsError(err)) throw new DemoError('ARGS_INVALID', err.message);
    throw err;
  }
  const durationSeconds = typeof v.duration === 'string' ? intIn('--duration', v.duration, 1, 3600) : undefined;
  const rate = typeof v.rate === 'string' ? intIn('--rate', v.rate, 1, 500) : 100;
  const rotate = typeof v.rotate === 'string' ? v.rotate : undefined;
  if (rotate !== undefined) {
    const p = typeNameProblem(rotate);
    if (p) throw new DemoError('ARGS_INVALID', `--rotate needs a service type name: ${p.code}: ${p.message}`);
  }
  const dir = typeof v.dir === 'string' ? resolve(cwd, v.dir) : defaultDir;
  return {
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    rate,
    ...(rotate ? { rotate } : {}),
    dir,
    plain: v.plain === true,
  };
}

function intIn(flag: string, text: string, min: number, max: number): number {
  const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max))
    throw new DemoError('ARGS_INVALID', `${flag} must be a whole number from ${min} to ${max}`);
  return n;
}
