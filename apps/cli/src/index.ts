/**
 * @trustmesh/cli — the `trustmesh` command as a library: `runCli(argv, env, now, io)` for tests
 * and embedding; bin/trustmesh.js is the process entry.
 */
export { runCli } from './run';
export type { CliIo } from './command';
export type { CliEnv } from './config';
