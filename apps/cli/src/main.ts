/**
 * Process entry of `trustmesh`: the only place that touches process.argv, process.env and the
 * clock for a run; everything else gets them as parameters.
 */
import { runCli } from './run';

const env = { TRUSTMESH_PASSPHRASE: process.env.TRUSTMESH_PASSPHRASE, TRUSTMESH_KDF: process.env.TRUSTMESH_KDF };
runCli(process.argv.slice(2), env, new Date(), {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
}).then((code) => {
  process.exitCode = code;
});
