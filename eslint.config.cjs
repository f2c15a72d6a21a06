/**
 * Lint rules for the whole workspace.
 *
 * Module boundaries (the dependency direction of docs/ARCHITECTURE.md), enforced two ways so a
 * bad import always fails, whichever rule sees it first:
 *  - `@nx/enforce-module-boundaries` with project tags: `type:grammar` (libs/names) depends on
 *    nothing of ours and every other tag may depend on it; `type:domain` libs depend on nothing
 *    of ours but the grammar; adapters on grammar/domain/contract/adapter; apps on libs, never on
 *    other apps; only the CLI's files may import the signer and sidecar apps (it starts them);
 *  - `no-restricted-imports` / `no-restricted-syntax` in the pure libs (names, args, pki, policy):
 *    no Node I/O modules, no clock, no timers and no `process` (pass them in); no `@trustmesh/*`,
 *    except that pki and policy may import `@trustmesh/names`.
 * tools/workspace/src/boundaries.spec.ts proves that a deliberately bad import fails.
 */
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

/** Node modules that do I/O or read the environment; `node:crypto` is allowed (pure compute). */
const IO_MODULES = [
  'fs',
  'fs/promises',
  'net',
  'tls',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'dns/promises',
  'child_process',
  'cluster',
  'worker_threads',
  'os',
  'readline',
  'process',
  'v8',
  'vm',
  'inspector',
  'perf_hooks',
  'timers',
  'timers/promises',
];
const IO_IMPORTS = IO_MODULES.flatMap((m) => [m, `node:${m}`]).map((name) => ({
  name,
  message: 'pure libs (names, args, pki, policy) do no I/O: take the data or the capability as a parameter',
}));

/** The rules every pure lib follows: no clock, no timers, no `process`. */
const PURE_GLOBALS = [
  'error',
  { name: 'process', message: 'pure libs never read process or process.env: pass values in' },
  { name: 'setTimeout', message: 'pure libs do not schedule: the caller owns time' },
  { name: 'setInterval', message: 'pure libs do not schedule: the caller owns time' },
  { name: 'setImmediate', message: 'pure libs do not schedule: the caller owns time' },
];
const PURE_SYNTAX = [
  'error',
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'pure libs never read the clock: take `now` as a parameter',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'pure libs never read the clock: take `now` as a parameter',
  },
  {
    selector: "MemberExpression[object.name='performance'][property.name='now']",
    message: 'pure libs never read the clock',
  },
];

/** Options of `@nx/enforce-module-boundaries`; `allow` names the apps a set of files may import. */
const boundaries = (allow) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow,
    depConstraints: [
      // The grammar (libs/names) is the bottom layer: it depends on nothing of ours.
      { sourceTag: 'type:grammar', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:grammar'] },
      { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:grammar'] },
      {
        sourceTag: 'type:adapter',
        onlyDependOnLibsWithTags: ['type:grammar', 'type:domain', 'type:contract', 'type:adapter'],
      },
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: ['type:grammar', 'type:domain', 'type:contract', 'type:adapter'],
      },
      // The `trustmesh` command is the umbrella: it may start the signer and the sidecar apps.
      {
        sourceTag: 'type:cli',
        onlyDependOnLibsWithTags: ['type:grammar', 'type:domain', 'type:contract', 'type:adapter', 'type:app'],
      },
      {
        sourceTag: 'type:tooling',
        onlyDependOnLibsWithTags: ['type:grammar', 'type:domain', 'type:contract', 'type:adapter'],
      },
    ],
  },
];

/** Apps that no file outside apps/cli may import (see the exceptions below). */
const APPS = ['@trustmesh/signer', '@trustmesh/sidecar', '@trustmesh/cli', '@trustmesh/demo'];
const appImports = (except) => [
  'error',
  {
    patterns: [
      { group: APPS.filter((a) => !except.includes(a)), message: 'apps are composed only by the trustmesh CLI' },
    ],
  },
];

/**
 * Specs that check generated sidecar configs with the sidecar's own parser (`parseConfig` of
 * `@trustmesh/sidecar`): what the Nx generator and the demo write must parse exactly as the
 * product will parse it, so a second copy of the parser would prove nothing. Spec files only;
 * the generator and the demo themselves never import an app.
 */
const SIDECAR_PARSER_SPECS = ['tools/nx-plugin/**/*.spec.ts', 'apps/demo/**/*.spec.ts'];

module.exports = [
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'libs/proto/src/gen/**',
      '**/files/**',
      'tools/lint-fixtures/**',
      '.nx/**',
      'coverage/**',
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
      '@nx/enforce-module-boundaries': boundaries([]),
    },
  },
  {
    // Nx forbids importing an app outright; the CLI is the one umbrella that starts the signer
    // and sidecar apps, so only its files may.
    files: ['apps/cli/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(['@trustmesh/signer', '@trustmesh/sidecar']) },
  },
  {
    files: SIDECAR_PARSER_SPECS,
    rules: { '@nx/enforce-module-boundaries': boundaries(['@trustmesh/sidecar']) },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
  },
  {
    // Only the CLI may start the apps (see `allow` above); apps and libs never import apps.
    // The demo starts them as child processes through the `trustmesh` bin, like a user.
    files: [
      'libs/**/*.ts',
      'apps/signer/**/*.ts',
      'apps/sidecar/**/*.ts',
      'apps/demo/**/*.ts',
      'tools/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: { 'no-restricted-imports': appImports([]) },
  },
  {
    files: SIDECAR_PARSER_SPECS,
    rules: { 'no-restricted-imports': appImports(['@trustmesh/sidecar']) },
  },
  {
    // The grammar and the argv parser: pure, and they depend on nothing of ours.
    files: ['libs/names/src/**/*.ts', 'libs/args/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_IMPORTS,
          patterns: [{ group: ['@trustmesh/*'], message: 'names and args depend on nothing of ours' }],
        },
      ],
      'no-restricted-globals': PURE_GLOBALS,
      'no-restricted-syntax': PURE_SYNTAX,
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
          patterns: [
            {
              group: ['@trustmesh/*', '!@trustmesh/names'],
              message: 'pki and policy depend on nothing of ours but @trustmesh/names',
            },
          ],
        },
      ],
      'no-restricted-globals': PURE_GLOBALS,
      'no-restricted-syntax': PURE_SYNTAX,
    },
  },
  {
    // The names agreement test is a check on the workspace itself: it runs the CLI, the signer's
    // policy, pki, the sidecar's config parser and the generator side by side, so it imports the
    // apps and the plugin. Only this one file, and only through their package entries: a relative
    // path into another project stays an error.
    files: ['tools/workspace/src/names-agreement.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries([
        '@trustmesh/cli',
        '@trustmesh/signer',
        '@trustmesh/sidecar',
        '@trustmesh/demo',
        '@trustmesh/nx-plugin',
      ]),
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./){2,}',
              message: 'import other projects through their package entry (@trustmesh/...), never by relative path',
            },
          ],
        },
      ],
    },
  },
];
