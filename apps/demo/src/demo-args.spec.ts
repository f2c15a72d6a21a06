import { parseDemoArgs } from './demo-args';
import { DemoError } from './demo-error';

const DEF = '/repo/.demo-state';

describe('parseDemoArgs', () => {
  it.each([
    {
      name: 'ok/defaults: until Ctrl-C, 100 req/s, <repo>/.demo-state',
      argv: [],
      want: { rate: 100, dir: DEF, plain: false },
    },
    {
      name: 'ok/--duration 30',
      argv: ['--duration', '30'],
      want: { durationSeconds: 30, rate: 100, dir: DEF, plain: false },
    },
    { name: 'ok/--rate and --plain', argv: ['--rate', '500', '--plain'], want: { rate: 500, dir: DEF, plain: true } },
    { name: 'ok/--rotate db', argv: ['--rotate', 'db'], want: { rotate: 'db', rate: 100, dir: DEF, plain: false } },
    {
      name: 'ok/--flag=value',
      argv: ['--rotate=db', '--rate=7'],
      want: { rotate: 'db', rate: 7, dir: DEF, plain: false },
    },
    {
      name: 'ok/relative --dir resolves against cwd',
      argv: ['--dir', 'x/y'],
      want: { rate: 100, dir: '/home/u/x/y', plain: false },
    },
  ])('$name', ({ argv, want }) => {
    expect(parseDemoArgs(argv, DEF, '/home/u')).toEqual(want);
  });

  it.each([
    { name: 'fail/unknown flag', argv: ['--fast'], detail: "Unknown option '--fast'" },
    { name: 'fail/positional', argv: ['db'], detail: "unexpected argument 'db'" },
    { name: 'fail/missing value', argv: ['--duration'], detail: "Option '--duration <value>' argument missing" },
    {
      name: 'fail/flag as value',
      argv: ['--duration', '--plain'],
      detail: "Option '--duration' argument is ambiguous.",
    },
    { name: 'fail/repeated flag', argv: ['--rate', '1', '--rate=2'], detail: 'option --rate given more than once' },
    { name: 'fail/duration 0', argv: ['--duration', '0'], detail: '--duration must be a whole number from 1 to 3600' },
    {
      name: 'fail/duration too long',
      argv: ['--duration', '3601'],
      detail: '--duration must be a whole number from 1 to 3600',
    },
    {
      name: 'fail/duration not a number',
      argv: ['--duration', '1.5'],
      detail: '--duration must be a whole number from 1 to 3600',
    },
    { name: 'fail/rate above 500', argv: ['--rate', '501'], detail: '--rate must be a whole number from 1 to 500' },
    {
      name: 'fail/rotate bad type name',
      argv: ['--rotate', 'DB!'],
      detail: expect.stringMatching(/^--rotate needs a service type name: TYPE_NAME_INVALID: /),
    },
    {
      name: 'fail/rotate type name ending in a hyphen',
      argv: ['--rotate', 'db-'],
      detail: expect.stringMatching(/^--rotate needs a service type name: TYPE_NAME_INVALID: /),
    },
  ])('$name → ARGS_INVALID', ({ argv, detail }) => {
    let err: unknown;
    try {
      parseDemoArgs(argv, DEF, '/');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DemoError);
    expect(err).toMatchObject({ code: 'ARGS_INVALID', detail, message: 'invalid demo arguments' });
  });
});
