import type { Scheme } from '../scheme/index.ts';
import { normalise } from './bini.ts';
import { decodeText } from './exp.ts';
import type { ImportOptions } from './importer.ts';
import { schemeFromProducts, type Statement } from './products.ts';

/**
 * The same program of products and decoders (products.ts) in Yacas syntax: statements end with
 * `;` and may span lines, assignments are `:=`, comments are `//` and `/* … *\/`:
 *   M1 := (A11 + A22) * (B11 + B22);
 *   C11 := M1 + M4 - M5 + M7;
 * Statements that assign a list (`A := {{A11, A12}, {A21, A22}};`, the generic matrices) and bare
 * calls (`Simplify(C - A*B);`, `Echo(...)`) are checks around the scheme, not part of it: skipped.
 */
export function readYacas(data: Uint8Array, file: string, opts: ImportOptions = {}): Scheme<unknown> {
  const text = decodeText(data, file);
  // Blank out comments but keep newlines, so statements keep their line numbers.
  const code = normalise(text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, ''));
  const statements: Statement[] = [];
  let line = 1;
  for (const raw of code.split(';')) {
    const start = line + (raw.length - raw.trimStart().length ? (raw.slice(0, raw.length - raw.trimStart().length).match(/\n/g)?.length ?? 0) : 0);
    line += raw.match(/\n/g)?.length ?? 0;
    const s = raw.trim().replace(/\s+/g, ' ');
    if (s === '') continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\](?:\[\d+\]|,\s*\d+\])?)?)\s*:=(.*)$/.exec(s);
    if (!m) {
      if (/^[A-Za-z_][A-Za-z0-9_]*\s*\(/.test(s)) continue; // a call such as Simplify(…)
      statements.push({ lhs: '', rhs: s, line: start });
      continue;
    }
    if (m[2].includes('{')) continue; // a list: the generic matrices A, B
    statements.push({ lhs: m[1], rhs: m[2], line: start });
  }
  return schemeFromProducts(file, text, statements, opts, 'Yacas products and decoders');
}

/** Why a text looks like Yacas: `name := …;` statements. */
export function sniffYacas(head: string): string | null {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:=[^;\n]*(;|\n[^;]*;)/m.exec(head);
  return m && head.includes(';') ? `Yacas assignment '${m[0].trim().slice(0, 40)}'` : null;
}
