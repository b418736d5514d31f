import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/**
 * The import graph of src/ by layer folder. Imports are read from the syntax tree (TypeScript's
 * parser, also for .mjs), so commented-out code and strings that look like imports do not count,
 * and type-only imports count like any other: a type from a higher layer is still a dependency.
 */

/** One module reference in a source file; `spec` is null for a dynamic import of a computed name. */
export interface ImportRef {
  spec: string | null;
  line: number;
}

const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/**
 * Every module a file refers to: `import … from`, `export … from`, `import '…'`, `import(…)`,
 * `import('…').T` in types, and worker entries `new URL('./x.ts', import.meta.url)` (a worker
 * module is loaded like an import; a URL to a data file such as package.json is not an import).
 */
export function importsOf(file: string, text: string): ImportRef[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: ImportRef[] = [];
  const add = (node: ts.Node, spec: string | null) => out.push({ spec, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node, node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      add(node, arg && ts.isStringLiteralLike(arg) ? arg.text : null);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text);
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
      const [target, base] = node.arguments ?? [];
      if (target && base && ts.isStringLiteralLike(target) && base.getText(sf) === 'import.meta.url' && CODE.test(target.text)) add(node, target.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The layer of a path below src/ (its first folder), or null for a file directly in src/. */
function layerOf(rel: string): string | null {
  const parts = rel.split('/');
  return parts.length > 1 ? parts[0] : null;
}

/**
 * The edges that break the order, one line each naming the file, the line and the import. `files`
 * maps paths relative to src/ ('stl/fit.ts') to their text; `layers` is the order, lowest first; a
 * file may import from its own folder or an earlier one. Packages (bare names, node:) are free.
 * `computed` lists the files allowed a dynamic import of a computed name, with the reason.
 */
export function layerViolations(files: ReadonlyMap<string, string>, layers: readonly string[], computed: Readonly<Record<string, string>> = {}): string[] {
  const rank = new Map(layers.map((l, i) => [l, i]));
  const out: string[] = [];
  for (const [rel, text] of files) {
    const from = layerOf(rel);
    if (from === null || !rank.has(from)) {
      out.push(`src/${rel}: folder ${from === null ? 'src/ itself' : `src/${from}`} is not in the layer list`);
      continue;
    }
    for (const { spec, line } of importsOf(rel, text)) {
      const at = `src/${rel}:${line}`;
      if (spec === null) {
        if (!(rel in computed)) out.push(`${at}: dynamic import of a computed name (cannot be checked)`);
        continue;
      }
      if (!spec.startsWith('.') && !spec.startsWith('/')) continue;
      const target = posix.normalize(posix.join(posix.dirname(rel), spec));
      if (spec.startsWith('/') || target.startsWith('../')) {
        out.push(`${at}: imports '${spec}', outside src/`);
        continue;
      }
      const to = layerOf(target);
      if (to === null || !rank.has(to)) {
        out.push(`${at}: imports '${spec}' from ${to === null ? 'src/ itself' : `src/${to}`}, which is not in the layer list`);
      } else if (rank.get(to)! > rank.get(from)!) {
        out.push(`${at}: imports '${spec}' from ${to}, a higher layer than ${from}`);
      }
    }
  }
  return out;
}

/** Every source file under a folder (.ts, .mjs, …), as path relative to it → text. */
export function readSources(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(join(dir, rel)).isDirectory()) walk(rel);
      else if (CODE.test(name)) out.set(rel, readFileSync(join(dir, rel), 'utf8'));
    }
  };
  walk('');
  return out;
}

/** The folders directly below a folder. */
export function foldersOf(dir: string): string[] {
  return readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory()).sort();
}

/** The first line of a Markdown file that names the layers as `a → b → …`, split into names. */
export function statedOrder(file: string): string[] | null {
  const line = readFileSync(file, 'utf8').split('\n').find((l) => /`[a-z-]+( → [a-z-]+)+`/.test(l));
  const m = line && /`([a-z-]+(?: → [a-z-]+)+)`/.exec(line);
  return m ? m[1].split(' → ') : null;
}
