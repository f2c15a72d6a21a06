/**
 * Test helper: finds state-directory names spelled out in source files, so that every name stays
 * defined once, in libs/ca/src/layout.ts. Only string and template literals are judged (comments,
 * identifiers and regular expressions are not): a doc comment may mention D/trustmesh.db, code
 * may not build the path itself. The patterns are strict on purpose, to avoid false positives:
 * `mesh.yaml` only as a whole file name (not `trustmesh.yaml`), `bundle_version` only as a whole
 * word (not the metric `trustmesh_bundle_version`), and the rotation meta prefix only as
 * `rotation:` directly followed by a type name, a `${` substitution or the end of the literal
 * (not a log line such as "root rotation: done").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/** One state-directory name and how its spelled-out form is recognised inside a literal's source text. */
export interface LayoutLiteral {
  name: string;
  pattern: RegExp;
}

/** Every state-directory name that must appear only in the layout module. */
export const LAYOUT_LITERALS: readonly LayoutLiteral[] = Object.freeze([
  { name: 'store file', pattern: /trustmesh\.db/ },
  { name: 'mesh file', pattern: /(?<![\w.-])mesh\.yaml/ },
  { name: 'platform root file', pattern: /platform-root\.pem/ },
  { name: 'admin certificate', pattern: /admin\/admin\.crt/ },
  { name: 'admin key', pattern: /admin\/admin\.key/ },
  { name: 'init staging prefix', pattern: /\.init-staging-/ },
  { name: 'key archive', pattern: /offline\/archive/ },
  { name: 'meta bundle version', pattern: /(?<![A-Za-z0-9_])bundle_version(?![A-Za-z0-9_])/ },
  { name: 'meta renew-before hint', pattern: /(?<![A-Za-z0-9_])renew_before_unix(?![A-Za-z0-9_])/ },
  { name: 'meta key protection', pattern: /(?<![A-Za-z0-9_])key_protection(?![A-Za-z0-9_])/ },
  { name: 'meta trust domain', pattern: /(?<![A-Za-z0-9_])trust_domain(?![A-Za-z0-9_])/ },
  { name: 'meta rotation record', pattern: /(?<![\w-])rotation:(?:[a-z]|\$\{|['"`]$)/ },
]);

/** A literal that spells a state-directory name. */
export interface Finding {
  /** Path relative to the scanned root, with `/` separators. */
  file: string;
  line: number;
  name: string;
  /** The literal as written (quotes and `${` included). */
  literal: string;
}

const SCRIPT_EXTENSIONS = ['.ts', '.js', '.cjs', '.mjs'];

/** Findings in one source text (`file` names it in the findings and picks TS or JS parsing). */
export function scanSource(file: string, text: string): Finding[] {
  const kind = file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const out: Finding[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      const literal = text.slice(node.getStart(sf), node.end);
      for (const l of LAYOUT_LITERALS) {
        if (l.pattern.test(literal)) {
          out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, name: l.name, literal });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/**
 * Findings in every `.ts`/`.js`/`.cjs`/`.mjs` file under `root`'s `dirs`, skipping node_modules,
 * generated gRPC code (libs/proto/src/gen), generator templates (`files/`) and dot-directories.
 * `allow` lists files (relative, `/`-separated) whose findings are expected (the layout module).
 */
export function scanTree(root: string, dirs: readonly string[], allow: readonly string[] = []): Finding[] {
  const out: Finding[] = [];
  const walk = (dir: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a listed top-level directory that does not exist has nothing to scan
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      const rel = relative(root, path).split(sep).join('/');
      if (e.isDirectory()) {
        if (e.name === 'node_modules' || e.name === 'files' || e.name.startsWith('.') || rel === 'libs/proto/src/gen')
          continue;
        walk(path);
      } else if (e.isFile() && SCRIPT_EXTENSIONS.some((x) => e.name.endsWith(x)) && !allow.includes(rel)) {
        out.push(...scanSource(rel, readFileSync(path, 'utf8')));
      }
    }
  };
  for (const d of dirs) walk(join(root, d));
  return out;
}
