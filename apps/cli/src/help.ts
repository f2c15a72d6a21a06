/** Help texts, generated from the command specs so they never drift from the parser. */
import type { Command } from './command';
import { servicesHelp } from './services';

/** Help for the whole program, or for a command group such as `ca`. */
export function groupHelp(commands: readonly Command<never>[], prefix: readonly string[]): string {
  const list = commands.filter((c) => prefix.every((p, i) => c.path[i] === p));
  const width = Math.max(...list.map((c) => c.path.join(' ').length));
  const head =
    prefix.length === 0
      ? 'trustmesh — per-service-type CAs, bootstrap tokens and the audit log of a TrustMesh state directory'
      : `trustmesh ${prefix.join(' ')} — commands:`;
  return [
    head,
    '',
    `usage: trustmesh ${prefix.length ? prefix.join(' ') + ' ' : ''}<command> [options]   (--help on any command)`,
    '',
    ...list.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    ...(prefix.length === 0 ? [...servicesHelp(), ''] : []),
    'exit codes: 0 ok, 1 failure, 2 usage error; errors: one stderr line `trustmesh: <CODE>: <message>`',
    'environment: TRUSTMESH_PASSPHRASE (key passphrase), TRUSTMESH_KDF=fast (tests only)',
  ].join('\n');
}

/** Help for one command: usage line, description, options. */
export function commandHelp(c: Command<never>): string {
  const pos = c.args.positionals.map((p) => ` <${p.name}>`).join('');
  const opts = Object.entries(c.args.options).map(([name, o]) => [
    `--${name}${o.valueName ? ' ' + o.valueName : ''}`,
    o.describe,
  ]);
  opts.push(['--help', 'show this help']);
  const width = Math.max(...opts.map(([f]) => f.length), ...c.args.positionals.map((p) => p.name.length + 2));
  return [
    `usage: trustmesh ${c.path.join(' ')}${pos} [options]`,
    '',
    c.summary,
    ...(c.help ? ['', c.help] : []),
    '',
    ...(c.args.positionals.length
      ? ['arguments:', ...c.args.positionals.map((p) => `  ${`<${p.name}>`.padEnd(width)}  ${p.describe}`), '']
      : []),
    'options:',
    ...opts.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
  ].join('\n');
}
