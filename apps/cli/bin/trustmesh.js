#!/usr/bin/env node
'use strict';
/**
 * The `trustmesh` command. Runs the TypeScript sources directly (swc transpile, no build step),
 * so `npx trustmesh ...` works right after `npm ci`.
 */
require('../../../tools/scripts/register-ts.js').registerTs();
require('../src/main.ts');
