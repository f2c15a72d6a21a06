/**
 * Process entry of `trustmesh`: the only place that touches process.argv, process.env and the
 * clock for a run; everything else gets them as parameters.
 */
import { runCli } from './run';
import { findService } from './services';

const argv = process.argv.slice(2);
const service = findService(argv);
const done = service
  ? runService(service, argv.slice(1))
  : runCli(
      argv,
      { TRUSTMESH_PASSPHRASE: process.env.TRUSTMESH_PASSPHRASE, TRUSTMESH_KDF: process.env.TRUSTMESH_KDF },
      new Date(),
      {
        out: (text) => process.stdout.write(text + '\n'),
        err: (text) => process.stderr.write(text + '\n'),
      },
      undefined,
      () => new Date(),
    );
done.then((code) => {
  process.exitCode = code;
});

/** A service parses its own arguments and reads its own variables (passphrase, OTEL_*). */
async function runService(s: NonNullable<ReturnType<typeof findService>>, rest: string[]): Promise<number> {
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${await s.usage()}\n`);
    return 0;
  }
  return s.run(rest, process.env);
}
