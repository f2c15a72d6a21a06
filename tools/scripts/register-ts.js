'use strict';
/**
 * Registers the swc TypeScript transpiler for `require` of `.ts` files (CommonJS, ES2022).
 * Shared by tools/scripts/run-ts.js, the `trustmesh` bin and the demo's bin. Idempotent.
 */
const path = require('node:path');

let done = false;
function registerTs() {
  if (done) return;
  done = true;
  process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '..', '..', 'tsconfig.base.json');
  require('reflect-metadata');
  require('@swc-node/register');
}
module.exports = { registerTs };
