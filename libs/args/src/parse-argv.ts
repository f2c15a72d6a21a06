/**
 * Argument parsing for one command, on top of node:util parseArgs in strict mode: unknown
 * options, missing option values, a value that looks like an option (`--config --help`), a value
 * given to a boolean, a repeated option (unless declared `multiple`) and a wrong number of
 * positionals are usage errors ({@link ArgsError}, code `USAGE`). `--name value` and
 * `--name=value` are the same. The caller maps USAGE to its own code and exit status.
 */
import { parseArgs } from 'node:util';
import { ArgsError } from './errors';

/** One `--name` option of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** May be given more than once (string options): the value is then the list, in order. */
  multiple?: boolean;
  /** One-letter alias, e.g. `h` for `-h`. */
  short?: string;
  /** Shown in help, e.g. 'DIR'. */
  valueName?: string;
  describe: string;
}

/** One positional argument of a command. */
export interface PositionalSpec {
  name: string;
  describe: string;
}

/** The command-line shape of one command. */
export interface ArgsSpec {
  options: Readonly<Record<string, OptionSpec>>;
  positionals: readonly PositionalSpec[];
}

/** One option's value: a string, `true` for a boolean, the list of a `multiple` option. */
export type ArgValue = string | boolean | readonly string[] | undefined;

/** What the command line said, before validation of the values. Frozen. */
export interface ParsedArgs {
  values: Readonly<Record<string, ArgValue>>;
  positionals: readonly string[];
}

/**
 * Parses `argv` (the words after the command path) against `spec`. When the spec declares a
 * boolean `help` option and it is given, the positional count is not checked (so
 * `ca create --help` works without `<type>`).
 * @throws ArgsError USAGE for unknown options, missing values, repeated options and too many or
 *   too few positionals
 */
export function parseArgv(spec: ArgsSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw new ArgsError(oneLine((err as Error).message));
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option' || spec.options[t.name]?.multiple) continue;
    // A repeated option would silently keep the last value: refuse instead.
    if (seen.has(t.name)) throw new ArgsError(`option --${t.name} given more than once`);
    seen.add(t.name);
  }
  const values = parsed.values as Record<string, ArgValue>;
  if (!(spec.options.help?.type === 'boolean' && values.help === true)) {
    if (parsed.positionals.length > spec.positionals.length) {
      throw new ArgsError(`unexpected argument '${parsed.positionals[spec.positionals.length]}'`);
    }
    const missing = spec.positionals.slice(parsed.positionals.length).map((p) => `<${p.name}>`);
    if (missing.length > 0) throw new ArgsError(`missing argument ${missing.join(' ')}`);
  }
  for (const [k, v] of Object.entries(values)) if (Array.isArray(v)) values[k] = Object.freeze([...v]);
  return Object.freeze({ values: Object.freeze({ ...values }), positionals: Object.freeze([...parsed.positionals]) });
}

function oneLine(s: string): string {
  // parseArgs appends a hint ("To specify a positional argument starting with a '-' ...").
  return s
    .split('\n')[0]
    .replace(/\. To specify a positional argument[\s\S]*$/, '')
    .trim();
}
