import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { citations, deadLinks } from './doc-links';

const ROOT = join(__dirname, '..', '..', '..');
const SKIP_DIRS = new Set(['node_modules', '.git', '.nx', 'dist', 'coverage', 'gen', '.demo-state', 'state']);
const TEXT = /\.(md|ts|js|cjs|proto|ya?ml)$/;

/** Every text file of the repository a reader may open (no dependencies, no generated code). */
function repoFiles(dir = ROOT, out = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) repoFiles(join(dir, e.name), out);
    } else if (TEXT.test(e.name) || e.name.endsWith('__tmpl__')) {
      const p = join(dir, e.name);
      out.set(relative(ROOT, p), readFileSync(p, 'utf8'));
    }
  }
  return out;
}

describe('doc links', () => {
  it.each([
    [
      'ok/a root-relative source path in a comment',
      'libs/x/src/a.ts',
      '// see libs/pki/src/spki.ts.',
      ['libs/pki/src/spki.ts'],
    ],
    [
      'ok/a relative Markdown link, anchor dropped',
      'docs/A.md',
      'read [this](TOOLCHAIN.md#traps)',
      ['docs/TOOLCHAIN.md'],
    ],
    [
      'ok/a Markdown link up a folder',
      'libs/pki/README.md',
      '[bench](../../docs/BENCHMARKS.md)',
      ['docs/BENCHMARKS.md'],
    ],
    ['ok/web links and pure anchors are not paths', 'README.md', '[a](https://example.test/x) [b](#top)', []],
    [
      'ok/templates and globs are not citations',
      'README.md',
      '`deploy/<name>/sidecar.yaml` and `libs/*/README.md`',
      [],
    ],
    [
      'ok/the generated service type of the README walkthrough',
      'README.md',
      'see apps/services/payments/src/main.ts',
      [],
    ],
    ['ok/a folder without a file name is not checked', 'README.md', 'libs/pki holds it', []],
    [
      'ok/a path in a string literal of a source file is data',
      'tools/x/src/a.spec.ts',
      "const file = 'libs/pki/src/probe.ts';",
      [],
    ],
    [
      'ok/a path in a doc-comment line',
      'tools/x/src/a.ts',
      ' * the map is docs/ARCHITECTURE.md',
      ['docs/ARCHITECTURE.md'],
    ],
  ])('%s', (_name, file, text, want) => {
    expect(citations(file, text).map((c) => c.target)).toEqual(want);
  });

  it('fail/a cited file that does not exist is reported with file and line', () => {
    const files = new Map([['apps/a/src/x.ts', 'ok\n// as in libs/gone/src/y.ts\n']]);
    expect(deadLinks(files, () => false)).toEqual([{ file: 'apps/a/src/x.ts', line: 2, target: 'libs/gone/src/y.ts' }]);
  });

  it('ok/every path the repository cites exists', () => {
    const dead = deadLinks(repoFiles(), (p) => existsSync(join(ROOT, p)));
    expect(dead.map((d) => `${d.file}:${d.line} → ${d.target}`)).toEqual([]);
  });
});
