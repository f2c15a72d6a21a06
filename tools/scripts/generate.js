#!/usr/bin/env node
/**
 * Generates the gRPC/protobuf code of libs/proto (ts-proto as a protoc plugin) from proto/**.proto
 * into libs/proto/src/gen. The generated code is never committed: this runs on `npm ci` (the root
 * package's `prepare` script), from the Nx `generate` target, from `npm start` and from the unit
 * test run, so every documented command works right after `npm ci`.
 *
 * `node tools/scripts/generate.js` regenerates only when the output is missing or older than a
 * .proto file; `--force` always does. Output is built in a temporary directory and renamed into
 * place, so an interrupted run never leaves half a tree. Exit code 1 (with protoc's message) on
 * failure.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const protoDir = path.join(root, 'proto');
const outDir = path.join(root, 'libs/proto/src/gen');
const marker = path.join(outDir, 'trustmesh/v1/ca.ts');
const TS_PROTO_OPTS =
  'outputServices=grpc-js,esModuleInterop=true,env=node,useOptionals=messages,annotateFilesWithVersion=false';

/** Every .proto file under `dir`, sorted (stable output). */
function protoFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...protoFiles(p));
    else if (e.name.endsWith('.proto')) out.push(p);
  }
  return out.sort();
}

/** True when the generated code is missing or older than a .proto file. */
function isStale() {
  if (!fs.existsSync(marker)) return true;
  const built = fs.statSync(marker).mtimeMs;
  return protoFiles(protoDir).some((f) => fs.statSync(f).mtimeMs > built);
}

/** Runs protoc into a temp dir next to the output and swaps it in. Returns the exit code. */
function generate() {
  const tmp = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const bin = (name) => path.join(root, 'node_modules', '.bin', name);
  const files = protoFiles(protoDir).map((f) => path.relative(protoDir, f));
  const r = spawnSync(
    bin('protoc'),
    [
      `--plugin=protoc-gen-ts_proto=${bin('protoc-gen-ts_proto')}`,
      `--ts_proto_out=${tmp}`,
      `--ts_proto_opt=${TS_PROTO_OPTS}`,
      '-I',
      protoDir,
      ...files,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.error || r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    process.stderr.write(`generate: protoc failed${r.error ? `: ${r.error.message}` : ''}\n`);
    return 1;
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.renameSync(tmp, outDir);
  return 0;
}

/** Generates when needed (or always with `force`); returns the exit code. */
function ensureGenerated(force = false) {
  return force || isStale() ? generate() : 0;
}

module.exports = { ensureGenerated };

if (require.main === module) process.exit(ensureGenerated(process.argv.includes('--force')));
