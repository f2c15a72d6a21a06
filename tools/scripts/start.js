#!/usr/bin/env node
/**
 * `npm start [-- --duration N] [-- --rotate TYPE]`: the demo mesh (signer, web -> api -> db
 * behind sidecars, traffic, live view). Builds what it needs first: TypeScript runs through swc
 * (no build), but the gRPC code of libs/proto is generated (gitignored), so on a fresh clone, or
 * when a .proto file is newer than it, `nx run @trustmesh/proto:generate` runs once. Then runs
 * `trustmesh demo ...argv` with stdio inherited; SIGINT/SIGTERM are forwarded to it (it stops its
 * children in order) and its exit code is ours.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '../..');

/** Newest mtime (ms) of the .proto files under `dir`. */
function newestProto(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestProto(p));
    else if (e.name.endsWith('.proto')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

const generated = path.join(root, 'libs/proto/src/gen/trustmesh/v1/ca.ts');
if (!fs.existsSync(generated) || fs.statSync(generated).mtimeMs < newestProto(path.join(root, 'proto'))) {
  process.stdout.write('generating libs/proto (gRPC code) ...\n');
  const r = spawnSync(path.join(root, 'node_modules/.bin/nx'), ['run', '@trustmesh/proto:generate', '--output-style=static'], {
    cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_INTERACTIVE: 'false' },
  });
  if (r.status !== 0) {
    process.stderr.write('trustmesh: SETUP_FAILED: generating libs/proto failed (see above)\n');
    process.exit(1);
  }
}

const bin = path.join(root, 'apps/cli/bin/trustmesh.js');
const child = spawn(process.execPath, [bin, 'demo', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
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
