/**
 * The shape every `trustmesh` subcommand implements. A command is a value: its path, its
 * help, its argument spec, a pure `configure` step (validation at the edge) and `run`.
 */
import type { ArgsSpec, ParsedArgs } from '@trustmesh/args';
import type { CliConfig, ConfigIssue, ConfigureContext } from './config';

/** Where a command writes: stdout for results, stderr for warnings and progress. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** One subcommand, e.g. `ca list`. */
export interface Command<T = unknown> {
  readonly path: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** Longer help text shown by `--help` (plain text, may span lines). */
  readonly help?: string;
  readonly args: ArgsSpec;
  /** Validates the command's own flags and arguments; pushes every problem to `issues`. */
  configure(args: ParsedArgs, issues: ConfigIssue[], ctx: ConfigureContext): T;
  /** Runs the command; resolves to the exit code, throws typed errors on failure. */
  run(cfg: CliConfig<T>, io: CliIo): Promise<number>;
}

/** Identity helper that keeps the option type of a command literal. */
export function defineCommand<T>(c: Command<T>): Command<T> {
  return c;
}
