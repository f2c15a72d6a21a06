#!/usr/bin/env node
/**
 * `npm start [-- --duration N] [-- --rotate TYPE]`: the demo mesh (signer, web -> api -> db
 * behind sidecars, traffic, live view). TypeScript runs through swc (no build); the gRPC code of
 * libs/proto is generated on `npm ci` and regenerated here when a .proto file is newer
 * (tools/scripts/generate.js). Then runs
 * the demo app (apps/demo/bin/demo.js ...argv) with stdio inherited; SIGINT/SIGTERM are forwarded
 * to it (it stops its children in order) and its exit code is ours.
 */
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { ensureGenerated } = require('./generate.js');

const root = path.join(__dirname, '../..');

if (ensureGenerated() !== 0) {
  process.stderr.write('trustmesh: SETUP_FAILED: generating libs/proto failed (see above)\n');
  process.exit(1);
}

const bin = path.join(root, 'apps/demo/bin/demo.js');
const child = spawn(process.execPath, [bin, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
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
