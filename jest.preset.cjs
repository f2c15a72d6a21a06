/**
 * Shared Jest settings: swc transform (type-checking is the separate `typecheck` target).
 *
 * Test kinds (tools/scripts/test.js sets TM_TEST_KIND): `unit` runs only `*.spec.ts` — pure and
 * in-process, with child processes blocked by jest.unit-guard.cjs so a spec that starts one fails
 * at once; `e2e` runs only `*.e2e.ts` (real processes, servers, databases); `all` (default) both.
 */
const kind = process.env.TM_TEST_KIND ?? 'all';
const PATTERNS = { unit: ['**/*.spec.ts'], e2e: ['**/*.e2e.ts'], all: ['**/*.spec.ts', '**/*.e2e.ts'] };
if (!(kind in PATTERNS)) throw new Error(`TM_TEST_KIND must be unit, e2e or all, got '${kind}'`);

module.exports = {
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata', ...(kind === 'unit' ? [require.resolve('./jest.unit-guard.cjs')] : [])],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: PATTERNS[kind].map((p) => `<rootDir>/${p}`),
  testPathIgnorePatterns: ['/node_modules/', '/files/'],
};
