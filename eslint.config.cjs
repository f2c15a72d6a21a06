/**
 * Lint rules for the whole workspace.
 *
 * Module boundaries (DESIGN.md "Dependency direction"), enforced two ways so a bad import
 * always fails, whichever rule sees it first:
 *  - `@nx/enforce-module-boundaries` with project tags (`type:domain` libs depend on nothing
 *    of ours; adapters on domain/contract/adapter; apps on libs, never on other apps; the CLI
 *    (`type:cli`) may start the apps);
 *  - `no-restricted-imports` / `no-restricted-syntax` in the pure libs (pki, policy): no
 *    `@trustmesh/*`, no Node I/O modules, no clock and no `process` (pass them in).
 * tools/lint-rules/boundaries.spec.ts proves that a deliberately bad import fails.
 */
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

/** Node modules that do I/O or read the environment; `node:crypto` is allowed (pure compute). */
const IO_MODULES = [
  'fs', 'fs/promises', 'net', 'tls', 'http', 'https', 'http2', 'dgram', 'dns', 'dns/promises',
  'child_process', 'cluster', 'worker_threads', 'os', 'readline', 'process', 'v8', 'vm',
  'inspector', 'perf_hooks', 'timers', 'timers/promises',
];
const IO_IMPORTS = IO_MODULES.flatMap((m) => [m, `node:${m}`]).map((name) => ({
  name,
  message: 'pure libs (pki, policy) do no I/O: take the data or the capability as a parameter',
}));

module.exports = [
  {
    ignores: [
      '**/node_modules/**', '**/dist/**', 'libs/proto/src/gen/**', '**/files/**',
      'tools/lint-fixtures/**', '.nx/**', 'coverage/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js', '**/*.cjs'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          // Nx forbids importing an app outright; the CLI is the one umbrella that starts the
          // signer and sidecar apps. The block below keeps every other app from using this.
          allow: ['@trustmesh/signer', '@trustmesh/sidecar'],
          depConstraints: [
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter'] },
            // The `trustmesh` command is the umbrella: it may start the signer and the sidecar apps.
            { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter', 'type:app'] },
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
  },
  {
    // Only the CLI may start the apps (see `allow` above); apps and libs never import apps.
    files: ['libs/**/*.ts', 'apps/signer/**/*.ts', 'apps/sidecar/**/*.ts', 'tools/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@trustmesh/signer', '@trustmesh/sidecar', '@trustmesh/cli'], message: 'apps are composed only by the trustmesh CLI' }] }],
    },
  },
  {
    files: ['libs/pki/src/**/*.ts', 'libs/policy/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.e2e.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_IMPORTS,
          patterns: [{ group: ['@trustmesh/*'], message: 'pki and policy depend on nothing of ours' }],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'pure libs never read process or process.env: pass values in' },
        { name: 'setTimeout', message: 'pure libs do not schedule: the caller owns time' },
        { name: 'setInterval', message: 'pure libs do not schedule: the caller owns time' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'pure libs never read the clock: take `now` as a parameter' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'pure libs never read the clock: take `now` as a parameter' },
        { selector: "MemberExpression[object.name='performance'][property.name='now']", message: 'pure libs never read the clock' },
      ],
    },
  },
];
