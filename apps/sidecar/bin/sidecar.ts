/**
 * Standalone entry of the sidecar (`node tools/scripts/run-ts.js apps/sidecar/bin/sidecar.ts
 * --config sidecar.yaml`), the same as `trustmesh sidecar --config sidecar.yaml`.
 */
import { runSidecarCommand } from '../src/control/command';

runSidecarCommand(process.argv.slice(2), process.env).then(
  (code) => {
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`trustmesh sidecar: ${String(err)}\n`);
    process.exit(1);
  },
);
