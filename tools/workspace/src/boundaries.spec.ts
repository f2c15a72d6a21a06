/**
 * Proves the module-boundary lint rules bite: a deliberately bad import or clock read in a
 * pure lib (names, args, pki, policy) fails lint, and the same code is fine where it belongs;
 * pki and policy may import the grammar (@trustmesh/names) and nothing else of ours. Apps are
 * imported only by the CLI, and the sidecar's parser only by the specs that judge generated
 * sidecar configs with it (the Nx plugin's and the demo's): each of the two rules catches an app
 * import on its own, so both are asserted.
 */
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.join(__dirname, '..', '..', '..');
// The workspace's own eslint.config.cjs, passed in (Jest's VM cannot dynamic-import it).
const config = require(path.join(root, 'eslint.config.cjs'));
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });

async function ruleIds(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe('module boundaries', () => {
  it.each([
    {
      name: 'fail/pki imports fs',
      file: 'libs/pki/src/probe.ts',
      code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      rule: 'no-restricted-imports',
    },
    {
      name: 'fail/pki imports net (bare name)',
      file: 'libs/pki/src/probe.ts',
      code: "import * as net from 'net';\nexport const x = net;\n",
      rule: 'no-restricted-imports',
    },
    {
      name: 'fail/policy imports the store',
      file: 'libs/policy/src/probe.ts',
      code: "import * as s from '@trustmesh/store';\nexport const x = s;\n",
      rule: 'no-restricted-imports',
    },
    {
      name: 'fail/policy reads the clock',
      file: 'libs/policy/src/probe.ts',
      code: 'export const t = Date.now();\n',
      rule: 'no-restricted-syntax',
    },
    {
      name: 'fail/pki reads new Date()',
      file: 'libs/pki/src/probe.ts',
      code: 'export const t = new Date();\n',
      rule: 'no-restricted-syntax',
    },
    {
      name: 'fail/pki reads process.env',
      file: 'libs/pki/src/probe.ts',
      code: 'export const v = process.env.HOME;\n',
      rule: 'no-restricted-globals',
    },
    {
      name: 'fail/signer imports the sidecar app',
      file: 'apps/signer/src/probe.ts',
      code: "import * as s from '@trustmesh/sidecar';\nexport const x = s;\n",
      rule: 'no-restricted-imports',
    },
    {
      name: 'fail/store imports an app',
      file: 'libs/store/src/probe.ts',
      code: "import * as c from '@trustmesh/cli';\nexport const x = c;\n",
      rule: '@nx/enforce-module-boundaries',
    },
    {
      name: 'fail/ca imports the CLI',
      file: 'libs/ca/src/probe.ts',
      code: "import * as c from '@trustmesh/cli';\nexport const x = c;\n",
      rule: '@nx/enforce-module-boundaries',
    },
    {
      name: 'fail/pki imports policy (only names is allowed)',
      file: 'libs/pki/src/probe.ts',
      code: "import * as p from '@trustmesh/policy';\nexport const x = p;\n",
      rule: 'no-restricted-imports',
    },
    {
      name: 'fail/policy imports the keystore',
      file: 'libs/policy/src/probe.ts',
      code: "import * as k from '@trustmesh/keystore';\nexport const x = k;\n",
      rule: '@nx/enforce-module-boundaries',
    },
    {
      name: 'fail/names imports pki (the grammar depends on nothing of ours)',
      file: 'libs/names/src/probe.ts',
      code: "import * as p from '@trustmesh/pki';\nexport const x = p;\n",
      rule: 'no-restricted-imports',
    },
    {
      name: 'fail/names imports pki (tags)',
      file: 'libs/names/src/probe.ts',
      code: "import * as p from '@trustmesh/pki';\nexport const x = p;\n",
      rule: '@nx/enforce-module-boundaries',
    },
    {
      name: 'fail/names imports fs',
      file: 'libs/names/src/probe.ts',
      code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      rule: 'no-restricted-imports',
    },
    {
      name: 'fail/names reads the clock',
      file: 'libs/names/src/probe.ts',
      code: 'export const t = Date.now();\n',
      rule: 'no-restricted-syntax',
    },
    {
      name: 'fail/names schedules a timer',
      file: 'libs/names/src/probe.ts',
      code: 'setTimeout(() => undefined, 1);\n',
      rule: 'no-restricted-globals',
    },
    {
      name: 'fail/args reads process.argv',
      file: 'libs/args/src/probe.ts',
      code: 'export const a = process.argv;\n',
      rule: 'no-restricted-globals',
    },
    {
      name: 'fail/args imports names (args depends on nothing of ours)',
      file: 'libs/args/src/probe.ts',
      code: "import * as n from '@trustmesh/names';\nexport const x = n;\n",
      rule: 'no-restricted-imports',
    },
    {
      name: 'fail/a workspace check imports the CLI app',
      file: 'tools/workspace/src/probe.spec.ts',
      code: "import * as c from '@trustmesh/cli';\nexport const x = c;\n",
      rule: 'no-restricted-imports',
    },
    {
      name: 'fail/the agreement test reaches into an app by relative path',
      file: 'tools/workspace/src/names-agreement.spec.ts',
      code: "import * as c from '../../../apps/cli/src/run';\nexport const x = c;\n",
      rule: 'no-restricted-imports',
    },
    ...[
      {
        what: 'the Nx plugin (not a spec) imports the sidecar app',
        file: 'tools/nx-plugin/src/lib/probe.ts',
        app: '@trustmesh/sidecar',
      },
      {
        what: 'a generator imports the sidecar app',
        file: 'tools/nx-plugin/src/generators/service-type/probe.ts',
        app: '@trustmesh/sidecar',
      },
      {
        what: 'an e2e test of the Nx plugin imports the sidecar app',
        file: 'tools/nx-plugin/src/probe.e2e.ts',
        app: '@trustmesh/sidecar',
      },
      {
        what: 'a workspace check imports the sidecar app',
        file: 'tools/workspace/src/probe.ts',
        app: '@trustmesh/sidecar',
      },
      { what: 'a benchmark imports the sidecar app', file: 'bench/sidecar/probe.ts', app: '@trustmesh/sidecar' },
      {
        what: 'a spec of the Nx plugin imports the signer app',
        file: 'tools/nx-plugin/src/lib/probe.spec.ts',
        app: '@trustmesh/signer',
      },
      {
        what: 'the demo (not a spec) imports the sidecar app',
        file: 'apps/demo/src/probe.ts',
        app: '@trustmesh/sidecar',
      },
      { what: 'the demo imports the CLI', file: 'apps/demo/src/probe.ts', app: '@trustmesh/cli' },
      { what: 'a demo spec imports the signer app', file: 'apps/demo/src/probe.spec.ts', app: '@trustmesh/signer' },
      { what: 'the sidecar imports the demo', file: 'apps/sidecar/src/probe.ts', app: '@trustmesh/demo' },
    ].flatMap(({ what, file, app }) =>
      ['@nx/enforce-module-boundaries', 'no-restricted-imports'].map((rule) => ({
        name: `fail/${what} (${rule})`,
        file,
        code: `import * as a from '${app}';\nexport const x = a;\n`,
        rule,
      })),
    ),
    {
      name: 'fail/the CLI imports the demo',
      file: 'apps/cli/src/probe.ts',
      code: "import * as d from '@trustmesh/demo';\nexport const x = d;\n",
      rule: '@nx/enforce-module-boundaries',
    },
  ])('$name', async ({ file, code, rule }) => {
    expect(await ruleIds(code, file)).toContain(rule);
  });

  it.each([
    {
      name: 'ok/pki uses node:crypto',
      file: 'libs/pki/src/probe.ts',
      code: "import { createHash } from 'node:crypto';\nexport const h = createHash;\n",
    },
    {
      name: 'ok/pki takes the time as a parameter',
      file: 'libs/pki/src/probe.ts',
      code: 'export const later = (now: Date): Date => new Date(now.getTime() + 1000);\n',
    },
    {
      name: 'ok/the CLI starts the signer app',
      file: 'apps/cli/src/probe.ts',
      code: "import * as s from '@trustmesh/signer';\nexport const x = s;\n",
    },
    {
      name: 'ok/store may use fs',
      file: 'libs/store/src/probe.ts',
      code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    },
    {
      name: 'ok/the signer reads a state directory through libs/ca',
      file: 'apps/signer/src/probe.ts',
      code: "import { LAYOUT } from '@trustmesh/ca';\nexport const x = LAYOUT;\n",
    },
    {
      name: 'ok/pki may import names',
      file: 'libs/pki/src/probe.ts',
      code: "import { parseIpAddress } from '@trustmesh/names';\nexport const x = parseIpAddress;\n",
    },
    {
      name: 'ok/policy may import names',
      file: 'libs/policy/src/probe.ts',
      code: "import { typeNameProblem } from '@trustmesh/names';\nexport const x = typeNameProblem;\n",
    },
    {
      name: 'ok/an app may import names and args',
      file: 'apps/sidecar/src/probe.ts',
      code: "import { parseHostPort } from '@trustmesh/names';\nimport { parseArgv } from '@trustmesh/args';\nexport const x = [parseHostPort, parseArgv];\n",
    },
    {
      name: 'ok/an adapter may import names',
      file: 'libs/store/src/probe.ts',
      code: "import { isDnsName } from '@trustmesh/names';\nexport const x = isDnsName;\n",
    },
    {
      name: 'ok/args uses node:util',
      file: 'libs/args/src/probe.ts',
      code: "import { parseArgs } from 'node:util';\nexport const x = parseArgs;\n",
    },
    {
      name: 'ok/the agreement test imports the apps through their package entries',
      file: 'tools/workspace/src/names-agreement.spec.ts',
      code: "import { runCli } from '@trustmesh/cli';\nimport { parseConfig } from '@trustmesh/sidecar';\nimport { normalizeOptions } from '@trustmesh/nx-plugin';\nexport const x = [runCli, parseConfig, normalizeOptions];\n",
    },
    {
      name: "ok/a spec of the Nx plugin parses its output with the sidecar's parser",
      file: 'tools/nx-plugin/src/lib/probe.spec.ts',
      code: "import { parseConfig } from '@trustmesh/sidecar';\nexport const x = parseConfig;\n",
    },
    {
      name: "ok/a demo spec parses its configs with the sidecar's parser",
      file: 'apps/demo/src/probe.spec.ts',
      code: "import { parseConfig } from '@trustmesh/sidecar';\nexport const x = parseConfig;\n",
    },
    {
      name: 'ok/the demo takes state-directory names from libs/ca',
      file: 'apps/demo/src/probe.ts',
      code: "import { LAYOUT } from '@trustmesh/ca';\nexport const x = LAYOUT;\n",
    },
  ])('$name', async ({ file, code }) => {
    expect(await ruleIds(code, file)).toEqual([]);
  });
});
