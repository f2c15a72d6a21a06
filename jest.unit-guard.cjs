/**
 * Loaded before every unit spec (`npm run test:unit`): unit tests start no processes, so every
 * way of starting one throws. A test that needs a real process (openssl, a server, a second
 * Node) belongs in an `*.e2e.ts` file.
 */
const cp = require('node:child_process');

for (const fn of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  cp[fn] = () => {
    throw new Error(`unit tests start no processes (child_process.${fn}); move this test to an *.e2e.ts file`);
  };
}
