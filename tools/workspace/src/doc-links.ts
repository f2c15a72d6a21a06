/**
 * Finds repository paths cited in Markdown files and in source comments that do not exist, so
 * docs and comments cannot point at files that moved or never were. Pure over the file list and
 * an existence check, so the spec can feed it synthetic files.
 *
 * What counts as a citation:
 *  - a Markdown link target (`[text](target)`), resolved against the Markdown file's directory
 *    (web links, `mailto:` and pure `#anchors` are not paths);
 *  - in Markdown, and in the comments of source files (`//`, `#`, and the lines of a `/** … *\/`
 *    block; string literals are data, e.g. a test's probe file), a root-relative path into one of
 *    the project's top-level folders that names a file (`libs/pki/src/spki.ts`, `docs/BENCHMARKS.md`).
 * Paths holding a placeholder or glob (`<name>`, `{x}`, `*`, `$`, `...`) are templates, not
 * citations, and so are paths under folders the docs create on purpose (see GENERATED).
 */
import { dirname, join, normalize } from 'node:path';

/** The top-level folders a root-relative citation starts with. */
const ROOTS = ['apps', 'libs', 'tools', 'bench', 'examples', 'proto', 'docs', 'deploy', '.ci'];

/** Where the READMEs tell the reader to create files (a generated service type, a state dir). */
const GENERATED = ['apps/services/payments', 'deploy/payments', 'libs/proto/src/gen'];

const ROOT_PATH = new RegExp(
  `(?:^|[\\s\`'"(\\[])((?:${ROOTS.map((r) => r.replace('.', '\\.')).join('|')})/[A-Za-z0-9._/@-]*[A-Za-z0-9_-]\\.[a-z]{1,5})(?=$|[\\s\`'")\\],.:;#])`,
  'gm',
);
const MD_LINK = /\]\(([^)\s]+)\)/g;
const TEMPLATE = /[<>{}*$]|\.\.\./;

/** One cited path that does not exist. */
export interface DeadLink {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** The paths `text` (the content of `file`, a repository-relative path) cites, with their lines. */
export function citations(file: string, text: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  const lines = text.split('\n');
  const md = file.endsWith('.md');
  lines.forEach((l, i) => {
    for (const m of (md ? l : commentOf(l)).matchAll(ROOT_PATH)) out.push({ line: i + 1, target: m[1] as string });
    if (!file.endsWith('.md')) return;
    for (const m of l.matchAll(MD_LINK)) {
      const raw = (m[1] as string).split('#')[0] as string;
      if (raw === '' || /^[a-z]+:/i.test(raw)) continue;
      out.push({ line: i + 1, target: normalize(join(dirname(file), raw)) });
    }
  });
  return out.filter(
    (c) => !TEMPLATE.test(c.target) && !GENERATED.some((g) => c.target === g || c.target.startsWith(`${g}/`)),
  );
}

/** The comment part of a source line ('' when it has none). */
function commentOf(line: string): string {
  const t = line.trimStart();
  if (t.startsWith('*') || t.startsWith('/*') || t.startsWith('#')) return t;
  const at = line.indexOf('// ');
  return at >= 0 ? line.slice(at) : '';
}

/** Every citation in `files` (path → content) for which `exists` is false. */
export function deadLinks(files: ReadonlyMap<string, string>, exists: (path: string) => boolean): DeadLink[] {
  const dead: DeadLink[] = [];
  for (const [file, text] of files) {
    for (const c of citations(file, text)) {
      if (!exists(c.target.replace(/\/$/, ''))) dead.push({ file, line: c.line, target: c.target });
    }
  }
  return dead;
}
