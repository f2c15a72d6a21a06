#!/usr/bin/env node
/**
 * `npm start [-- --duration N] [-- --rotate TYPE]`: the demo mesh (signer, web -> api -> db
 * behind sidecars, traffic, live view). Runs `trustmesh demo ...argv` with stdio inherited;
 * SIGINT/SIGTERM are forwarded to it (it stops its children in order) and its exit code is ours.
 */
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const bin = path.join(__dirname, '../../apps/cli/bin/trustmesh.js');
const child = spawn(process.execPath, [bin, 'demo', ...process.argv.slice(2)], {
  cwd: path.join(__dirname, '../..'),
  stdio: 'inherit',
});
// A terminal Ctrl-C reaches both processes (same process group); forwarding makes `kill <pid>`
// of this wrapper behave the same. The demo ignores a repeated signal while it is stopping.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (child.exitCode === null) child.kill(sig);
  });
}
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
