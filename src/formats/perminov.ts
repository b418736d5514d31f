import { basename } from '../util/path.ts';
import { describe, fieldOf, FieldError, Fraction, parseRational, Q, type Field, type FieldTag } from '../field/index.ts';
import { makeScheme, type Scheme } from '../scheme/index.ts';
import { asInputError, InputError } from './errors.ts';
import type { ImportOptions } from './importer.ts';

/**
 * Perminov's JSON (dronperminov/FastMatrixMultiplication): {n: [n,m,p], m: rank, z2, u, v, w}
 * with rows = products and w over Cᵀ (w[t][k*n+i] is C[i][k]); optional human-readable
 * "multiplications"/"elements" that we cross-check when they can be read unambiguously.
 *
 * The addition-reduced form (`*_reduced.json`) is a straight-line program instead of dense rows.
 * Its semantics, pinned down against all 14 published files (each expands to a scheme that
 * verifies, and the file's complexity.reduced equals the number of additions it spells out):
 *   - u_fresh[f] is a combination of x = [A row-major (n·m entries), u_fresh[0..f-1]], i.e. fresh
 *     variables are numbered after the inputs and may use only earlier ones; u[t] is a combination
 *     of the same x (inputs and all fresh variables). Same for v over B (m·p entries).
 *   - w_fresh[f] is a combination of y = [products m_0..m_{R-1}, w_fresh[0..f-1]] (intermediate
 *     sums of products); w has one entry per output, in Cᵀ order like the dense form
 *     (w[k*n+i] is C[i][k]), each a combination of y.
 */
export function importPerminov(data: Uint8Array, file: string, opts: ImportOptions = {}): Scheme<unknown> {
  const o = readObject(data, file);
  const [n, m, p] = readFormat(o, file, opts);
  const r = readCount(o, 'm', file);
  const reduced = 'u_fresh' in o || 'v_fresh' in o || 'w_fresh' in o;
  const { U, V, Wt } = reduced ? readReduced(o, file, [n, m, p], r) : readDense(o, file, [n, m, p], r);
  // Undo Cᵀ: stlkit's W[t][i*p+k] is the file's w[t][k*n+i].
  const W = Wt.map((row) => Array.from({ length: n * p }, (_, g) => row[(g % p) * n + Math.floor(g / p)]));
  const tag = fieldTag(o, file, opts, [U, V, W]);
  const F = fieldOf(tag) as Field<unknown>;
  const conv = (M: Fraction[][], name: string) => M.map((row, t) => row.map((x, g) => at(file, `${name}[${t}][${g}] of the converted scheme`, () => F.fromRational(x.s * x.n, x.d))));
  const [Uf, Vf, Wf] = [conv(U, 'U'), conv(V, 'V'), conv(W, 'W')];
  if (!reduced) crossCheckText(o, file, [n, m, p], r, F, [Uf, Vf, Wf]);
  const meta: Record<string, unknown> = { source: `Perminov JSON: ${file}`, name: basename(file).replace(/\.json$/i, '') };
  if (o.complexity !== undefined) meta.complexity = o.complexity;
  return at(file, '', () => makeScheme({ field: F, fieldTag: tag, target: { kind: 'matmul', format: [n, m, p] }, U: Uf, V: Vf, W: Wf, meta }));
}

type Obj = Record<string, unknown>;

/** Run `f`, turning library errors into InputErrors at `where`. */
function at<T>(file: string, where: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    return asInputError(file, where, err);
  }
}

function readObject(data: Uint8Array, file: string): Obj {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(data));
  } catch (err) {
    throw new InputError(file, '', `invalid JSON (${(err as Error).message})`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError(file, '', `expected a JSON object with n, m, u, v, w; got ${describe(doc)}`);
  return doc as Obj;
}

function need(o: Obj, key: string, file: string): unknown {
  if (!(key in o)) throw new InputError(file, `"${key}"`, 'missing (Perminov JSON needs n, m, u, v, w)');
  return o[key];
}

function readFormat(o: Obj, file: string, opts: ImportOptions): [number, number, number] {
  const f = need(o, 'n', file);
  if (!Array.isArray(f) || f.length !== 3 || f.some((x) => !Number.isInteger(x) || (x as number) < 1)) {
    throw new InputError(file, '"n"', `expected the format as three positive integers [n, m, p], got ${JSON.stringify(f)}`);
  }
  const fmt = f as [number, number, number];
  if (opts.format && opts.format.join() !== fmt.join()) throw new InputError(file, '"n"', `file says <${fmt.join(',')}> but <${opts.format.join(',')}> was requested`);
  return fmt;
}

function readCount(o: Obj, key: string, file: string): number {
  const r = need(o, key, file);
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 0) throw new InputError(file, `"${key}"`, `expected the rank as a non-negative integer, got ${describe(r)}`);
  return r;
}

function coeff(x: unknown, file: string, where: string): Fraction {
  const [num, den] = at(file, where, () => parseRational(x));
  return new Fraction(num, den);
}

function readArray(x: unknown, len: number, file: string, where: string): unknown[] {
  if (!Array.isArray(x)) throw new InputError(file, where, `expected an array, got ${describe(x)}`);
  if (x.length !== len) throw new InputError(file, where, `has ${x.length} entries, expected ${len}`);
  return x;
}

/** Dense rows: u is R×(n·m), v is R×(m·p), w is R×(p·n) over Cᵀ. */
function readDense(o: Obj, file: string, [n, m, p]: number[], r: number) {
  const mat = (key: string, cols: number) =>
    readArray(need(o, key, file), r, file, `"${key}"`).map((row, t) =>
      readArray(row, cols, file, `${key}[${t}]`).map((x, g) => coeff(x, file, `${key}[${t}][${g}]`)));
  return { U: mat('u', n * m), V: mat('v', m * p), Wt: mat('w', p * n) };
}

/** One sparse combination [{index, value}, ...] over variables 0..limit-1, as a dense vector over `base` originals. */
function combination(x: unknown, vars: Fraction[][], limit: number, file: string, where: string): Fraction[] {
  if (!Array.isArray(x)) throw new InputError(file, where, `expected an array of {index, value}, got ${describe(x)}`);
  const out = vars.length ? vars[0].map(() => Q.zero) : [];
  x.forEach((term, j) => {
    const here = `${where}[${j}]`;
    if (term === null || typeof term !== 'object' || !('index' in term) || !('value' in term)) throw new InputError(file, here, `expected {"index": i, "value": c}, got ${describe(term)}`);
    const { index, value } = term as { index: unknown; value: unknown };
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= limit) {
      throw new InputError(file, `${here}.index`, `expected an integer in 0..${limit - 1} (inputs, then fresh variables defined earlier), got ${describe(index)}`);
    }
    const c = coeff(value, file, `${here}.value`);
    vars[index].forEach((v, g) => { if (v.n !== 0n) out[g] = out[g].add(c.mul(v)); });
  });
  return out;
}

/** Expand a straight-line block: `base` original variables, then fresh ones, then the outputs. */
function expand(o: Obj, file: string, fresh: string, outs: string, base: number, outCount: number): Fraction[][] {
  const vars: Fraction[][] = Array.from({ length: base }, (_, i) => Array.from({ length: base }, (_, g) => (g === i ? Q.one : Q.zero)));
  const defs = need(o, fresh, file);
  if (!Array.isArray(defs)) throw new InputError(file, `"${fresh}"`, `expected an array of combinations, got ${describe(defs)}`);
  defs.forEach((d, f) => vars.push(combination(d, vars, base + f, file, `${fresh}[${f}]`)));
  const rows = readArray(need(o, outs, file), outCount, file, `"${outs}"`);
  return rows.map((x, t) => combination(x, vars, vars.length, file, `${outs}[${t}]`));
}

function readReduced(o: Obj, file: string, [n, m, p]: number[], r: number) {
  const U = expand(o, file, 'u_fresh', 'u', n * m, r);
  const V = expand(o, file, 'v_fresh', 'v', m * p, r);
  // Rows of this are outputs (Cᵀ order) over products; transpose to rows = products.
  const byOutput = expand(o, file, 'w_fresh', 'w', r, n * p);
  const Wt = Array.from({ length: r }, (_, t) => byOutput.map((row) => row[t]));
  return { U, V, Wt };
}

function fieldTag(o: Obj, file: string, opts: ImportOptions, Ms: Fraction[][][]): FieldTag {
  const z2 = o.z2 ?? false;
  if (typeof z2 !== 'boolean') throw new InputError(file, '"z2"', `expected true or false, got ${describe(z2)}`);
  if (opts.field) return opts.field;
  if (z2) return 'Z2';
  return Ms.every((M) => M.every((row) => row.every((x) => x.d === 1n))) ? 'Z' : 'Q';
}

/* ---------- the text form: "m1 = (a11 + a22) * (b11 - 2b22)", "c12 = m3 - 1/2m5" ---------- */

type Term = { coef: Fraction; name: string; digits: string };
const TERM = /\s*([+-])?\s*(\d+(?:\/\d+)?)?\s*\*?\s*([a-z])(\d+)\s*/y;

/** A signed sum of `coef·<letter><digits>` terms; "0" is the empty sum. */
function linear(text: string): Term[] | string {
  if (/^\s*0\s*$/.test(text)) return [];
  const out: Term[] = [];
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const start = TERM.lastIndex;
    const t = TERM.exec(text);
    if (!t || (out.length > 0 && !t[1])) return `cannot read "${text.slice(start, start + 20)}" as a term`;
    const [num, den] = t[2] ? parseRational(t[2]) : [1n, 1n];
    out.push({ coef: new Fraction(t[1] === '-' ? -num : num, den), name: t[3], digits: t[4] });
  }
  return out;
}

/**
 * "a111" is a[1][11] or a[11][1]: indices are written without separators. Returns the 0-based
 * pair when exactly one split fits the dimensions, null when several do (then we cannot check).
 */
function split(digits: string, rows: number, cols: number): [number, number] | null | 'none' {
  const fits: [number, number][] = [];
  for (let s = 1; s < digits.length; s++) {
    const [a, b] = [digits.slice(0, s), digits.slice(s)];
    if (a[0] === '0' || b[0] === '0') continue;
    if (+a >= 1 && +a <= rows && +b >= 1 && +b <= cols) fits.push([+a - 1, +b - 1]);
  }
  return fits.length === 1 ? fits[0] : fits.length === 0 ? 'none' : null;
}

class Ambiguous extends Error {}

/** Dense vector from terms whose names are `letter` + index; index() maps digits to a position. */
function vectorOf(terms: Term[], letter: string, len: number, index: (d: string) => number, file: string, where: string): Fraction[] {
  const v = Array.from({ length: len }, () => Q.zero);
  for (const t of terms) {
    if (t.name !== letter) throw new InputError(file, where, `unexpected variable ${t.name}${t.digits} (expected ${letter}..)`);
    const g = index(t.digits);
    v[g] = v[g].add(t.coef);
  }
  return v;
}

/**
 * The text form must say the same as u/v/w. It is redundant, so it is skipped when absent or
 * when an index cannot be split unambiguously (dimensions of 10 or more).
 */
function crossCheckText(o: Obj, file: string, [n, m, p]: number[], r: number, F: Field<unknown>, [U, V, W]: unknown[][][]): void {
  const mults = o.multiplications, elems = o.elements;
  if (!Array.isArray(mults) || !Array.isArray(elems)) return;
  if (mults.length !== r) throw new InputError(file, '"multiplications"', `has ${mults.length} entries but the rank "m" is ${r}`);
  const pos = (rows: number, cols: number, where: string) => (d: string) => {
    const s = split(d, rows, cols);
    if (s === null) throw new Ambiguous();
    if (s === 'none') throw new InputError(file, where, `index ${d} is out of range for ${rows}×${cols}`);
    return s[0] * cols + s[1];
  };
  const product = (d: string, where: string) => {
    if (+d < 1 || +d > r) throw new InputError(file, where, `product m${d} is out of range 1..${r}`);
    return +d - 1;
  };
  const same = (a: Fraction[], b: unknown[]) => a.every((x, g) => F.eq(F.fromRational(x.s * x.n, x.d), b[g]));
  try {
    const Wtext = Array.from({ length: r }, () => Array.from({ length: n * p }, () => Q.zero));
    mults.forEach((line, t) => {
      const where = `multiplications[${t}]`;
      const mt = typeof line === 'string' ? /^\s*m(\d+)\s*=\s*\(([^()]*)\)\s*\*\s*\(([^()]*)\)\s*$/.exec(line) : null;
      if (!mt) throw new InputError(file, where, `expected "mT = (linear form in a) * (linear form in b)", got ${describe(line)}`);
      const [a, b] = [linear(mt[2]), linear(mt[3])];
      if (typeof a === 'string' || typeof b === 'string') throw new InputError(file, where, (typeof a === 'string' ? a : b) as string);
      const l = product(mt[1], where);
      if (!same(vectorOf(a, 'a', n * m, pos(n, m, where), file, where), U[l]) || !same(vectorOf(b, 'b', m * p, pos(m, p, where), file, where), V[l])) {
        throw new InputError(file, where, `disagrees with row ${l} of "u"/"v"`);
      }
    });
    elems.forEach((line, e) => {
      const where = `elements[${e}]`;
      const mt = typeof line === 'string' ? /^\s*c(\d+)\s*=(.*)$/.exec(line) : null;
      const terms = mt ? linear(mt[2]) : 'expected "cIK = linear form in m"';
      if (!mt || typeof terms === 'string') throw new InputError(file, where, `${terms} in ${describe(line)}`);
      const g = pos(n, p, where)(mt[1]);
      for (const t of terms) {
        if (t.name !== 'm') throw new InputError(file, where, `unexpected variable ${t.name}${t.digits} (expected m..)`);
        const l = product(t.digits, where);
        Wtext[l][g] = Wtext[l][g].add(t.coef);
      }
    });
    Wtext.forEach((row, l) => { if (!same(row, W[l])) throw new InputError(file, '"elements"', `the coefficients of m${l + 1} disagree with "w"`); });
  } catch (err) {
    if (err instanceof Ambiguous) return;
    if (err instanceof FieldError) throw new InputError(file, '"multiplications"/"elements"', err.message);
    throw err;
  }
}
