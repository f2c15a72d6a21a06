/**
 * Standalone entry of the signer (`node tools/scripts/run-ts.js apps/signer/bin/signer.ts --dir D
 * --listen HOST:PORT ...`), the same as `trustmesh signer ...`. The environment is read here, once.
 */
import { runSignerCommand } from '../src/index';

runSignerCommand(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`trustmesh signer: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
