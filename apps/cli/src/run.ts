/**
 * Dispatch: find the command for argv, parse and validate at the edge, run it, and turn every
 * outcome into an exit code and at most one error line on stderr.
 */
import { isArgsError, parseArgv, type ArgsSpec, type ParsedArgs } from '@trustmesh/args';
import { describeError, EXIT_OK, EXIT_USAGE, usageError } from './cli-error';
import type { CliIo, Command } from './command';
import { COMMANDS } from './commands';
import { buildConfig, type CliEnv } from './config';
import { commandHelp, groupHelp } from './help';
import { warnTo } from './output';

/**
 * Runs the CLI for `argv` (without node and script) with `env` and `now` read once by the
 * caller (`clock` gives later readings to commands that run over time; default: always `now`).
 * Resolves to the exit code: 0 ok, 1 failure, 2 usage error.
 */
export async function runCli(
  argv: readonly string[],
  env: CliEnv,
  now: Date,
  io: CliIo,
  commands: readonly Command<never>[] = COMMANDS,
  clock: () => Date = () => now,
): Promise<number> {
  try {
    // `trustmesh help ca list` is `trustmesh ca list --help`.
    if (argv[0] === 'help') argv = [...argv.slice(1), '--help'];
    const words = argv.filter((a) => !a.startsWith('-'));
    const match = findCommand(commands, argv);
    if (!match) {
      const group =
        words.length > 0 && commands.some((c) => c.path.length > 1 && c.path[0] === words[0]) ? [words[0]] : [];
      const asked = argv.includes('--help') || argv.includes('-h');
      const known = words.length === 0 || (group.length === 1 && words.length === 1);
      if (asked && known) {
        io.out(groupHelp(commands, group));
        return EXIT_OK;
      }
      io.err(groupHelp(commands, group));
      if (words.length === 0) throw usageError('no command given');
      if (group.length === 1 && words.length === 1) {
        const subs = commands.filter((c) => c.path[0] === group[0]).map((c) => c.path[1]);
        throw usageError(`'${group[0]}' needs a subcommand (${subs.join(', ')})`);
      }
      throw usageError(`unknown command '${words.slice(0, group.length + 1).join(' ')}'`);
    }
    const [cmd, rest] = match;
    const args = parseCommandLine(cmd.args, rest);
    if (args.values.help === true) {
      io.out(commandHelp(cmd));
      return EXIT_OK;
    }
    const cfg = buildConfig(cmd.args, args, env, now, (a, issues, ctx) => cmd.configure(a, issues, ctx), clock);
    for (const w of cfg.warnings) warnTo(io)(w);
    return await cmd.run(cfg, io);
  } catch (err) {
    const { line, exitCode } = describeError(err);
    io.err(line);
    return exitCode;
  }
}

/** `--help`, accepted by every command (help.ts lists it under each command's options). */
const HELP_OPTION = { type: 'boolean', describe: 'show this help' } as const;

/** A command's argv by @trustmesh/args, with `--help` added; a usage error becomes USAGE (exit 2). */
function parseCommandLine(spec: ArgsSpec, argv: readonly string[]): ParsedArgs {
  try {
    return parseArgv({ positionals: spec.positionals, options: { ...spec.options, help: HELP_OPTION } }, argv);
  } catch (err) {
    if (isArgsError(err)) throw usageError(err.message);
    throw err;
  }
}

/** The command whose path is a prefix of argv (paths are words before any option). */
function findCommand(
  commands: readonly Command<never>[],
  argv: readonly string[],
): [Command<never>, string[]] | undefined {
  for (const c of commands) {
    if (c.path.every((p, i) => argv[i] === p)) return [c, argv.slice(c.path.length)];
  }
  return undefined;
}

export { EXIT_USAGE };
