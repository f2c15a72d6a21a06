#!/usr/bin/env node
/**
 * `npm test`: type-check and lint every project through Nx, then run every project's Jest
 * tests in one Jest run (projects listed by Nx), so the output ends with Jest's summary.
 * The very last line is `tests: N passed, N failed[, N skipped]`; exit code 3 when no test ran.
 *
 * Extra arguments go to Jest (`npm test -- libs/pki`). `TM_SKIP_CHECKS=1` skips typecheck+lint
 * for quick local loops (never set in CI).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  NX_INTERACTIVE: 'false',
  OTEL_TRACES_EXPORTER: process.env.OTEL_TRACES_EXPORTER ?? 'none',
  OTEL_METRICS_EXPORTER: process.env.OTEL_METRICS_EXPORTER ?? 'none',
  OTEL_LOGS_EXPORTER: process.env.OTEL_LOGS_EXPORTER ?? 'none',
};

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

if (process.env.TM_SKIP_CHECKS !== '1') {
  const rc = run(bin('nx'), ['run-many', '-t', 'typecheck', 'lint', '--output-style=static', '--outputStyle=static']);
  if (rc !== 0) {
    process.stdout.write('typecheck or lint failed\n0 passed, 1 failed\n');
    process.exit(rc);
  }
}

const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tm-jest-')), 'results.json');
const rc = run(bin('jest'), ['--ci', '--json', `--outputFile=${out}`, ...process.argv.slice(2)]);
let results;
try {
  results = JSON.parse(fs.readFileSync(out, 'utf8'));
} catch {
  process.stdout.write('jest wrote no results\n0 passed, 1 failed\n');
  process.exit(rc || 1);
}
const { numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped, numTotalTests: total } = results;
if (total === 0) {
  process.stdout.write('no tests ran\n0 passed, 0 failed\n');
  process.exit(3);
}
const failedSuites = results.numFailedTestSuites + (results.numRuntimeErrorTestSuites ?? 0);
const failedCount = failed + (failed === 0 && failedSuites > 0 ? failedSuites : 0);
process.stdout.write(`tests: ${passed} passed, ${failedCount} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(rc !== 0 ? rc : failedCount > 0 ? 1 : 0);
