import { basename } from '../util/path.ts';
import { fieldOf, Fraction, parseRational, Q, type Field, type FieldTag } from '../field/index.ts';
import { makeScheme, type Scheme } from '../scheme/index.ts';
import { asInputError, InputError, UnsupportedError } from './errors.ts';
import type { ImportOptions } from './importer.ts';

/**
 * Benson–Ballard fast-matmul coefficient files (arbenson/fast-matmul, codegen/algorithms):
 * `#` comment lines, then three whitespace-separated matrices separated by `#` lines:
 * U (n·m rows, A row-major), V (m·p rows, B row-major), W (n·p rows, C row-major, not
 * transposed); columns are products. Coefficients are integers or "p/q".
 *
 * Two families in that folder are not plain schemes and are refused:
 *   - `*-approx`: border-rank (APA) schemes whose coefficients are polynomials in a symbolic ε
 *     written x, xi, x2, ... They only compute A·B in the limit ε → 0.
 *   - `eliminated/*` (and a copy of one at top level): common-subexpression-eliminated variants
 *     whose blocks have extra rows/columns for the eliminated subexpressions, followed by
 *     "Substitution information" blocks; the products are no longer bilinear in A and B alone.
 */
export function importFastMatmul(data: Uint8Array, file: string, opts: ImportOptions = {}): Scheme<unknown> {
  const text = new TextDecoder().decode(data);
  if (/-approx$/.test(basename(file))) throw approxError(file, '');
  const { comments, blocks } = splitBlocks(text, file);
  if (comments.some((c) => /eliminated version/i.test(c)) || blocks.length > 3) throw eliminatedError(file, blocks.length);
  if (blocks.length !== 3) throw new InputError(file, '', `expected three coefficient blocks (U # V # W) separated by "#" lines, found ${blocks.length}`);
  const parsed = blocks.map((b) => parseBlock(b, file));
  const [Ub, Vb, Wb] = parsed;
  const r = rankOf(parsed, blocks, file);
  const [n, m, p] = opts.format ? checkFormat(opts.format, [Ub.length, Vb.length, Wb.length], file) : inferFormat(Ub.length, Vb.length, Wb.length, file);
  const tag: FieldTag = opts.field ?? ([Ub, Vb, Wb].every((B) => B.every((row) => row.every((x) => x.d === 1n))) ? 'Z' : 'Q');
  const F = fieldOf(tag) as Field<unknown>;
  // Columns are products; stlkit rows are products.
  const factor = (b: number) =>
    Array.from({ length: r }, (_, t) => parsed[b].map((row, g) => {
      try {
        return F.fromRational(row[t].s * row[t].n, row[t].d);
      } catch (err) {
        return asInputError(file, `line ${blocks[b][g].no}, column ${t + 1}`, err);
      }
    }));
  const meta = { source: `fast-matmul: ${file}`, name: basename(file) };
  try {
    return makeScheme({ field: F, fieldTag: tag, target: { kind: 'matmul', format: [n, m, p] }, U: factor(0), V: factor(1), W: factor(2), meta });
  } catch (err) {
    return asInputError(file, '', err);
  }
}

interface Line { no: number; text: string }

/** Leading `#` lines are comments; after the first data line a `#` line ends a block. */
function splitBlocks(text: string, file: string): { comments: string[]; blocks: Line[][] } {
  const comments: string[] = [];
  const blocks: Line[][] = [];
  let cur: Line[] | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      if (blocks.length === 0 && cur === null) comments.push(line);
      else if (cur) {
        blocks.push(cur);
        cur = null;
      }
      return;
    }
    // ε appears as x, xi, x2, x2i, ...: no exact coefficient contains an x.
    if (/x/i.test(line)) throw approxError(file, `line ${i + 1}`);
    (cur ??= []).push({ no: i + 1, text: line });
  });
  if (cur) blocks.push(cur);
  return { comments, blocks };
}

function parseBlock(lines: Line[], file: string): Fraction[][] {
  return lines.map(({ no, text }) =>
    text.split(/\s+/).map((tok, c) => {
      try {
        const [num, den] = parseRational(tok);
        return Q.fromRational(num, den);
      } catch (err) {
        return asInputError(file, `line ${no}, column ${c + 1}`, err);
      }
    }));
}

/** Every row of every block has one column per product. */
function rankOf(blocks: Fraction[][][], lines: Line[][], file: string): number {
  const r = blocks[0][0].length;
  blocks.forEach((B, b) => B.forEach((row, g) => {
    if (row.length !== r) throw new InputError(file, `line ${lines[b][g].no}`, `has ${row.length} coefficients, expected ${r} (one per product, as on line ${lines[0][0].no})`);
  }));
  return r;
}

/** nm·np/mp = n², so the three row counts determine <n,m,p> when they come from one. */
function inferFormat(nm: number, mp: number, np: number, file: string): [number, number, number] {
  const sq = (nm * np) / mp;
  const n = Math.round(Math.sqrt(sq));
  const m = nm / n, p = np / n;
  if (!Number.isInteger(sq) || n * n !== sq || !Number.isInteger(m) || !Number.isInteger(p) || m * p !== mp) {
    throw new InputError(file, '', `block row counts ${nm}, ${mp}, ${np} are not n·m, m·p, n·p for any <n,m,p>; pass the format explicitly if the file is right`);
  }
  return [n, m, p];
}

function checkFormat([n, m, p]: [number, number, number], [a, b, c]: number[], file: string): [number, number, number] {
  if (a !== n * m || b !== m * p || c !== n * p) {
    throw new InputError(file, '', `block row counts ${a}, ${b}, ${c} do not fit <${n},${m},${p}> (expected ${n * m}, ${m * p}, ${n * p})`);
  }
  return [n, m, p];
}

function approxError(file: string, where: string): InputError {
  return new UnsupportedError(file, where, 'border-rank (APA, "-approx") schemes are not supported: their coefficients contain the symbolic ε (written x, xi, x2, ...) and only compute A·B in the limit ε → 0, so they are not exact bilinear schemes');
}

function eliminatedError(file: string, blocks: number): InputError {
  return new UnsupportedError(file, '', `"eliminated" (common-subexpression) variants are not supported: the file has ${blocks} blocks, with extra rows and columns for eliminated subexpressions plus substitution information, so its products are not a plain (U, V, W) scheme; import the non-eliminated original instead`);
}
