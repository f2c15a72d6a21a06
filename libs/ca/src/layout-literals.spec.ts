/**
 * Every state-directory name is written once, in libs/ca/src/layout.ts: this test reads the
 * source tree (apps, libs, tools, bench, examples) and fails on any other `.ts`/`.js` file whose
 * string or template literals spell one (see testing/layout-literals.ts for what counts). The
 * scanner is proved on synthetic files first, so a pass means "nothing found", not "nothing seen".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LAYOUT, META, renewBeforeMetaKey, rotationMetaKey, STAGING_PREFIX } from './layout';
import { LAYOUT_LITERALS, scanSource, scanTree, type Finding } from './testing/layout-literals';
import { tempDir } from './testing/temp-state';

const ROOT = join(__dirname, '..', '..', '..');
const DIRS = ['apps', 'libs', 'tools', 'bench', 'examples'];
const LAYOUT_MODULE = 'libs/ca/src/layout.ts';

describe('scanSource (synthetic files)', () => {
  it.each<[string, string, string, string[]]>([
    ['fail/the store file in a path join', 'probe.ts', `export const p = join(dir, '${LAYOUT.db}');\n`, ['store file']],
    ['fail/the mesh file, double-quoted', 'probe.ts', `export const p = "${LAYOUT.mesh}";\n`, ['mesh file']],
    [
      'fail/the platform root inside a template',
      'probe.ts',
      'export const p = `${dir}/' + LAYOUT.platformRoot + '`;\n',
      ['platform root file'],
    ],
    [
      'fail/the admin files',
      'probe.ts',
      `export const a = ['${LAYOUT.adminCert}', '${LAYOUT.adminKey}'];\n`,
      ['admin certificate', 'admin key'],
    ],
    [
      'fail/the staging prefix and the archive',
      'probe.ts',
      `export const a = ['${STAGING_PREFIX}x', 'x/${LAYOUT.archive}/y'];\n`,
      ['init staging prefix', 'key archive'],
    ],
    [
      'fail/a meta key in a getMeta call',
      'probe.ts',
      `store.getMeta('${META.bundleVersion}');\n`,
      ['meta bundle version'],
    ],
    [
      'fail/the other meta keys',
      'probe.ts',
      `export const k = ['${META.keyProtection}', '${META.trustDomain}'];\n`,
      ['meta key protection', 'meta trust domain'],
    ],
    [
      'fail/a rotation record key of one type',
      'probe.ts',
      `export const k = '${rotationMetaKey('api')}';\n`,
      ['meta rotation record'],
    ],
    [
      'fail/the rotation prefix with a substitution',
      'probe.ts',
      'export const k = `' + rotationMetaKey('${type}') + '`;\n',
      ['meta rotation record'],
    ],
    [
      'fail/the rotation prefix concatenated',
      'probe.ts',
      `export const k = '${rotationMetaKey('')}' + type;\n`,
      ['meta rotation record'],
    ],
    [
      'fail/the renew-before prefix with a substitution',
      'probe.ts',
      'export const k = `' + renewBeforeMetaKey('${type}') + '`;\n',
      ['meta renew-before hint'],
    ],
    ['fail/in a CommonJS file too', 'probe.cjs', `module.exports = { db: '${LAYOUT.db}' };\n`, ['store file']],
    [
      'ok/a doc comment may name the files',
      'probe.ts',
      `/** Reads D/${LAYOUT.db} and D/${LAYOUT.mesh}. */\n// ${META.bundleVersion}\nexport {};\n`,
      [],
    ],
    ['ok/the workspace mesh config is not the state mesh file', 'probe.ts', "export const f = 'trustmesh.yaml';\n", []],
    [
      'ok/a metric name that contains a meta key',
      'probe.ts',
      `export const m = 'trustmesh_${META.bundleVersion}';\n`,
      [],
    ],
    [
      'ok/an object key (identifier) in a log line',
      'probe.ts',
      `log('tls_rebuilt', { ${META.bundleVersion}: 3 });\n`,
      [],
    ],
    [
      'ok/the word rotation with a colon in a message',
      'probe.ts',
      "log('root rotation: done');\nlog(`rotation: ${v}`);\n",
      [],
    ],
    [
      'ok/a regular expression is not a literal string',
      'probe.ts',
      `export const r = /${LAYOUT.db.replace('.', '\\.')}/;\n`,
      [],
    ],
  ])('%s', (_name, file, code, want) => {
    expect(scanSource(file, code).map((f) => f.name)).toEqual(want);
  });

  it('ok/a finding names the file, the line and the literal as written', () => {
    expect(scanSource('src/probe.ts', `\n\nexport const p = '${LAYOUT.db}';\n`)).toEqual([
      { file: 'src/probe.ts', line: 3, name: 'store file', literal: `'${LAYOUT.db}'` },
    ]);
  });
});

describe('scanTree (synthetic tree)', () => {
  it('fail/finds a literal in a source file; skips node_modules, generated gRPC code, templates, other files and the allowed module', () => {
    const t = tempDir('tm-ca-scan-');
    try {
      const bad = `export const p = '${LAYOUT.db}';\n`;
      const files: Record<string, string> = {
        'apps/x/src/bad.ts': bad,
        'apps/x/src/fine.ts': 'export const ok = 1;\n',
        'apps/x/node_modules/dep/index.js': bad,
        'libs/proto/src/gen/messages.ts': bad,
        'tools/gen/files/src/main.ts': bad,
        'apps/x/README.md': bad,
        'libs/ca/src/layout.ts': bad,
      };
      for (const [rel, text] of Object.entries(files)) {
        mkdirSync(dirname(join(t.dir, rel)), { recursive: true });
        writeFileSync(join(t.dir, rel), text);
      }
      expect(scanTree(t.dir, DIRS, [LAYOUT_MODULE]).map((f) => f.file)).toEqual(['apps/x/src/bad.ts']);
    } finally {
      t.cleanup();
    }
  });
});

describe('the repository', () => {
  let found: Finding[] = [];
  beforeAll(() => {
    found = scanTree(ROOT, DIRS);
  });

  it('ok/no source file other than the layout module spells a state-directory name', () => {
    expect(
      found.filter((f) => f.file !== LAYOUT_MODULE).map((f) => `${f.file}:${f.line} ${f.name}: ${f.literal}`),
    ).toEqual([]);
  });

  it('ok/the layout module defines every name the scanner looks for (the scanner sees the real tree)', () => {
    const defined = new Set(found.filter((f) => f.file === LAYOUT_MODULE).map((f) => f.name));
    expect([...defined].sort()).toEqual(LAYOUT_LITERALS.map((l) => l.name).sort());
  });
});
