#!/usr/bin/env node
/**
 * The test entry points (package.json scripts):
 *
 *   npm test            static checks (typecheck, lint, formatting) then every Jest test
 *   npm run test:unit   the `*.spec.ts` files only: no child processes, no PostgreSQL (fast loop)
 *   npm run test:e2e    the `*.e2e.ts` files only: real processes, servers and databases
 *
 * Usage: `node tools/scripts/test.js [--unit | --e2e] [jest args...]`. Every Jest project listed by
 * Nx runs in one Jest run, so the output ends with Jest's summary. The very last line is
 * `N passed, N failed` alone (a `N skipped` line before it when some were skipped); exit code 3 when no test ran.
 *
 * Which files a kind selects is decided once, in jest.preset.cjs (from TM_TEST_KIND, set here).
 * `TM_SKIP_CHECKS=1` skips the static checks of `npm test` for quick local loops (never in CI).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const args = process.argv.slice(2);
const kind = args[0] === '--unit' ? 'unit' : args[0] === '--e2e' ? 'e2e' : 'all';
const jestArgs = kind === 'all' ? args : args.slice(1);

const env = {
  ...process.env,
  TM_TEST_KIND: kind,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  NX_INTERACTIVE: 'false',
  OTEL_TRACES_EXPORTER: process.env.OTEL_TRACES_EXPORTER ?? 'none',
  OTEL_METRICS_EXPORTER: process.env.OTEL_METRICS_EXPORTER ?? 'none',
  OTEL_LOGS_EXPORTER: process.env.OTEL_LOGS_EXPORTER ?? 'none',
};

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, env, stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/** Ends the run with the closing line CI reads. */
function finish(line, passed, failed, code) {
  process.stdout.write(`${line}\n${passed} passed, ${failed} failed\n`);
  process.exit(code);
}

if (kind === 'all' && process.env.TM_SKIP_CHECKS !== '1') {
  const rc = run(bin('nx'), ['run-many', '-t', 'typecheck', 'lint', '--output-style=static']);
  if (rc !== 0) finish('typecheck or lint failed', 0, 1, rc);
  const fmt = run(bin('prettier'), ['--check', '--log-level=warn', '.']);
  if (fmt !== 0) finish('formatting check failed: run `npx prettier --write .`', 0, 1, fmt);
}

// The generated gRPC code must exist before any test imports libs/proto (unit runs skip Nx).
if (kind === 'unit') {
  const rc = run(process.execPath, [path.join(__dirname, 'generate.js')]);
  if (rc !== 0) finish('generating libs/proto failed', 0, 1, rc);
}

const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tm-jest-')), 'results.json');
const rc = run(bin('jest'), ['--ci', '--json', `--outputFile=${out}`, ...jestArgs]);
let results;
try {
  results = JSON.parse(fs.readFileSync(out, 'utf8'));
} catch {
  finish('jest wrote no results', 0, 1, rc || 1);
}
const { numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped, numTotalTests: total } = results;
if (total === 0) finish('no tests ran', 0, 0, 3);
const failedSuites = results.numFailedTestSuites + (results.numRuntimeErrorTestSuites ?? 0);
const failedCount = failed + (failed === 0 && failedSuites > 0 ? failedSuites : 0);
if (skipped) process.stdout.write(`${skipped} skipped\n`);
process.stdout.write(`${passed} passed, ${failedCount} failed\n`);
process.exit(rc !== 0 ? rc : failedCount > 0 ? 1 : 0);
