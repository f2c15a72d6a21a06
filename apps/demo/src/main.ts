/**
 * Process entry of the demo (apps/demo/bin/demo.js, run by `npm start`): the only place that
 * reads process.argv and process.env; run-demo.ts stops every child before the exit code is set.
 */
import { runDemoCommand } from './run-demo';

runDemoCommand(process.argv.slice(2), process.env).then((code) => {
  process.exitCode = code;
});
