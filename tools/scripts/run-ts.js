#!/usr/bin/env node
/**
 * Runs a TypeScript entry point of this workspace without a build step:
 * `node tools/scripts/run-ts.js <file.ts> [args...]`. Uses @swc-node/register (transpile only;
 * type-checking is the `typecheck` target), so workspace packages resolve to their sources.
 */
'use strict';
const path = require('node:path');
const { registerTs } = require('./register-ts.js');

const [, , entry, ...rest] = process.argv;
if (!entry) {
  process.stderr.write('usage: node tools/scripts/run-ts.js <file.ts> [args...]\n');
  process.exit(2);
}
registerTs();
process.argv = [process.argv[0], path.resolve(entry), ...rest];
require(path.resolve(entry));
