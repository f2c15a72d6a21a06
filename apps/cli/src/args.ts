/**
 * Argument parsing for one command, on top of node:util parseArgs (strict: unknown options,
 * missing option values and stray positionals are usage errors, exit 2).
 */
import { parseArgs } from 'node:util';
import { usageError } from './cli-error';

/** One `--name` option of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Shown in help, e.g. 'DIR'. */
  valueName?: string;
  describe: string;
}

/** One positional argument of a command. */
export interface PositionalSpec { name: string; describe: string }

/** The command-line shape of one command. */
export interface ArgsSpec {
  options: Readonly<Record<string, OptionSpec>>;
  positionals: readonly PositionalSpec[];
}

/** What the command line said, before validation of the values. */
export interface ParsedArgs {
  values: Readonly<Record<string, string | boolean | undefined>>;
  positionals: readonly string[];
}

/**
 * Parses `argv` (the words after the command path) against `spec`. `--help` is always
 * accepted. Throws a USAGE CliError for unknown options, missing values, repeated options
 * and too many or too few positionals (unless `--help` is present).
 */
export function parseCommandArgs(spec: ArgsSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = { type: o.type };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw usageError(oneLine((err as Error).message));
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue;
    // A repeated option would silently keep the last value: refuse instead.
    if (seen.has(t.name)) throw usageError(`option --${t.name} given more than once`);
    seen.add(t.name);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help !== true) {
    if (parsed.positionals.length > spec.positionals.length) {
      throw usageError(`unexpected argument '${parsed.positionals[spec.positionals.length]}'`);
    }
    const missing = spec.positionals.slice(parsed.positionals.length).map((p) => `<${p.name}>`);
    if (missing.length > 0) throw usageError(`missing argument ${missing.join(' ')}`);
  }
  return Object.freeze({ values: Object.freeze({ ...values }), positionals: Object.freeze([...parsed.positionals]) });
}

function oneLine(s: string): string {
  // parseArgs appends a hint ("To specify a positional argument starting with a '-' ...").
  return s.split('\n')[0].replace(/\. To specify a positional argument[\s\S]*$/, '').trim();
}
