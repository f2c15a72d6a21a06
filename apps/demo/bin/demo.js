#!/usr/bin/env node
'use strict';
/**
 * The demo's process entry (what `npm start` runs, through tools/scripts/start.js). Runs the
 * TypeScript sources directly (swc transpile, no build step).
 */
require('../../../tools/scripts/register-ts.js').registerTs();
require('../src/main.ts');
