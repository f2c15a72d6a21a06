import { ArgsError, isArgsError, parseArgv, type ArgsSpec } from './index';

const SPEC: ArgsSpec = {
  positionals: [{ name: 'type', describe: 'service type' }],
  options: {
    dir: { type: 'string', valueName: 'DIR', describe: 'state directory' },
    san: { type: 'string', multiple: true, describe: 'extra name' },
    json: { type: 'boolean', describe: 'JSON output' },
    help: { type: 'boolean', short: 'h', describe: 'show this help' },
  },
};

function usage(argv: string[], spec: ArgsSpec = SPEC): string {
  try {
    parseArgv(spec, argv);
  } catch (err) {
    expect(err).toBeInstanceOf(ArgsError);
    expect(isArgsError(err) && err.code).toBe('USAGE');
    return (err as Error).message;
  }
  throw new Error('expected an ArgsError');
}

describe('parseArgv', () => {
  it.each([
    {
      name: 'ok/option with a separate value',
      argv: ['api', '--dir', 'd'],
      values: { dir: 'd' },
      positionals: ['api'],
    },
    { name: 'ok/--flag=value', argv: ['--dir=d', 'api'], values: { dir: 'd' }, positionals: ['api'] },
    { name: 'ok/an empty value is a value', argv: ['api', '--dir', ''], values: { dir: '' }, positionals: ['api'] },
    {
      name: 'ok/repeatable option keeps every value in order',
      argv: ['api', '--san', 'a', '--san=b'],
      values: { san: ['a', 'b'] },
      positionals: ['api'],
    },
    { name: 'ok/boolean', argv: ['api', '--json'], values: { json: true }, positionals: ['api'] },
    { name: 'ok/--help lifts the positional count', argv: ['--help'], values: { help: true }, positionals: [] },
    { name: 'ok/-h is --help', argv: ['-h'], values: { help: true }, positionals: [] },
    { name: 'ok/after -- everything is positional', argv: ['--', '--json'], values: {}, positionals: ['--json'] },
  ])('$name', ({ argv, values, positionals }) => {
    const r = parseArgv(SPEC, argv);
    expect(r).toEqual({ values, positionals });
    expect(Object.isFrozen(r.values)).toBe(true);
    if (Array.isArray(r.values.san)) expect(Object.isFrozen(r.values.san)).toBe(true);
  });

  it.each([
    { name: 'fail/unknown option', argv: ['api', '--colour'], message: "Unknown option '--colour'" },
    { name: 'fail/missing value', argv: ['api', '--dir'], message: "Option '--dir <value>' argument missing" },
    {
      name: 'fail/a flag as the value',
      argv: ['api', '--dir', '--json'],
      message: "Option '--dir' argument is ambiguous.",
    },
    {
      name: 'fail/value for a boolean',
      argv: ['api', '--json=yes'],
      message: "Option '--json' does not take an argument",
    },
    {
      name: 'fail/repeated option',
      argv: ['api', '--dir', 'a', '--dir=b'],
      message: 'option --dir given more than once',
    },
    { name: 'fail/repeated boolean', argv: ['api', '--json', '--json'], message: 'option --json given more than once' },
    { name: 'fail/missing positional', argv: ['--json'], message: 'missing argument <type>' },
    { name: 'fail/extra positional', argv: ['api', 'extra'], message: "unexpected argument 'extra'" },
  ])('$name → USAGE', ({ argv, message }) => {
    expect(usage(argv)).toBe(message);
  });

  it('fail/without a declared help option, --help is an unknown option', () => {
    expect(usage(['--help'], { positionals: [], options: {} })).toBe("Unknown option '--help'");
  });
});
