import { fieldOf, Fraction, parseRational, Q, type Field, type FieldTag } from '../field/index.ts';
import { makeScheme, type Scheme } from '../scheme/index.ts';
import { asInputError, InputError, UnsupportedError } from './errors.ts';
import type { ImportOptions } from './importer.ts';
import { parseSlp } from './slp.ts';
import { basename, dirname, join } from '../util/path.ts';

/**
 * PLinOpt (jgdumas/plinopt, Dumas–Pernet–Sedoglavic) schemes: three sparse `.sms` matrices per
 * scheme, `<base>_L.sms` (R × n·m, on vec A), `<base>_R.sms` (R × m·p, on vec B) and
 * `<base>_P.sms` (n·p × R, giving vec C). A `.sms` file: `#` comments, a header "rows cols R",
 * 1-based "row col value" lines, and a "0 0 0" terminator (anything after it is tool output).
 *
 * vec A, vec B and vec C are row-major, PLinOpt's own convention (its tools and every published
 * triple use it). The layout is fixed, never guessed by trying layouts until one verifies: a triple
 * that is not exact must import and fail verification with its equations, not be refused.
 * Factored variants (alternative basis, sparse factorizations) are multiplied out first; see
 * factoredBase.
 *
 * Each matrix may instead come as a linear straight-line program `.slp` (see slp.ts) computing
 * the same map: then every file of the scheme is read as `.slp`, and the rest is shared.
 */
export function importPlinopt(data: Uint8Array, file: string, opts: ImportOptions = {}): Scheme<unknown> {
  const name = basename(file);
  const ext = /\.(sms|slp)$/.exec(name)?.[1] as Ext | undefined;
  const factored = ext && factoredBase(file, ext);
  if (factored) return readFactored(factored, file, opts);
  const m = /^(.*)_([LRP])\.(?:sms|slp)$/.exec(name);
  if (!ext || !m) throw new InputError(file, '', 'expected a PLinOpt file named <base>_L.sms, <base>_R.sms or <base>_P.sms (or the same with .slp)');
  const parts = { L: data, R: data, P: data };
  for (const part of ['L', 'R', 'P'] as const) if (part !== m[2]) parts[part] = readSibling(opts, join(dirname(file), `${m[1]}_${part}.${ext}`), `${m[1]}_L.${ext}, _R.${ext} and _P.${ext}`);
  return readPlinopt(parts.L, parts.R, parts.P, file, opts);
}

type Ext = 'sms' | 'slp';

/** Either kind of file, as a matrix. */
function parseMatrix(bytes: Uint8Array, file: string, ext: Ext): Sms {
  if (ext === 'sms') return parseSms(bytes, file);
  return { file, ...parseSlp(bytes, file), where: '', colsAtLeast: true };
}

/**
 * A sibling file through the caller's reader (the disk in Node, the dropped files in a browser);
 * without a reader every sibling is missing. A reader signals an absent file by code ENOENT.
 */
function readSibling(opts: ImportOptions, path: string, needs: string): Uint8Array {
  let code: string | undefined = 'ENOENT', message = '';
  if (opts.readFile) {
    try {
      return opts.readFile(path);
    } catch (err) {
      code = (err as { code?: string }).code;
      message = (err as Error).message;
    }
  }
  throw new InputError(path, '', `${code === 'ENOENT' ? 'missing' : `cannot be read (${code ?? message})`}; this scheme needs all of ${needs}`);
}

/**
 * Factored variants store each of L, R, P as a product of two sparse matrices through an inner
 * dimension below the rank:
 *  - `<base>-ALT_X` (bilinear part in an alternative basis) with `<base>-CoB_X` (change of basis):
 *    L = ALT_L·CoB_L, R = ALT_R·CoB_R, P = CoB_P·ALT_P;
 *  - `<base>_X_A` with `<base>_X_C` (a sparse factorization): L = L_A·L_C, R = R_A·R_C, P = P_C·P_A.
 * Multiplying the factors back gives the plain scheme, which is then read and verified as usual.
 */
interface Factored {
  base: string;
  ext: Ext;
  path: (part: 'L' | 'R' | 'P', which: 'outer' | 'inner') => string;
}

function factoredBase(file: string, ext: Ext): Factored | null {
  const dir = dirname(file), name = basename(file);
  let m = /^(.*)-(ALT|CoB)_([LRP])\.(?:sms|slp)$/.exec(name);
  if (m) {
    const b = m[1];
    return { base: join(dir, b), ext, path: (part, which) => join(dir, `${b}-${which === 'outer' ? 'ALT' : 'CoB'}_${part}.${ext}`) };
  }
  m = /^(.*)_([LRP])_([AC])\.(?:sms|slp)$/.exec(name);
  if (m) {
    const b = m[1];
    return { base: join(dir, b), ext, path: (part, which) => join(dir, `${b}_${part}_${which === 'outer' ? 'A' : 'C'}.${ext}`) };
  }
  return null;
}

function readFactored(f: Factored, file: string, opts: ImportOptions): Scheme<unknown> {
  const load = (part: 'L' | 'R' | 'P', which: 'outer' | 'inner') => {
    const path = f.path(part, which);
    return parseMatrix(readSibling(opts, path, `the six factor files of ${basename(f.base)}`), path, f.ext);
  };
  // P is applied last, so its change of basis (inner factor) comes first in the product.
  const L = multiplySms(load('L', 'outer'), load('L', 'inner'));
  const R = multiplySms(load('R', 'outer'), load('R', 'inner'));
  const P = multiplySms(load('P', 'inner'), load('P', 'outer'));
  return fromMatrices(L, R, P, f.base, file, opts, `PLinOpt factored .${f.ext}: ${basename(file)} and its five siblings, multiplied out`);
}

/** The product of two sparse matrices, exactly; the sizes must chain. */
function multiplySms(a: Sms, b: Sms): Sms {
  const was = shape(a);
  widen(a, b.rows);
  if (a.cols !== b.rows) throw new InputError(b.file, b.where, `is ${shape(b)}, but ${basename(a.file)} is ${was}: the factors do not chain`);
  const acc = new Map<number, Fraction>();
  const byRow = new Map<number, Sms['entries']>();
  for (const e of b.entries) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e]);
  for (const x of a.entries) for (const y of byRow.get(x.col) ?? []) {
    const key = x.row * b.cols + y.col;
    acc.set(key, (acc.get(key) ?? new Fraction(0)).add(x.v.mul(y.v)));
  }
  const entries = [...acc].filter(([, v]) => v.n !== 0n).map(([key, v]) => ({ row: Math.floor(key / b.cols), col: key % b.cols, v }));
  return { file: `${a.file}·${basename(b.file)}`, rows: a.rows, cols: b.cols, where: a.where, colsAtLeast: b.colsAtLeast, entries };
}

/** One matrix from a `.sms` file or a `.slp` program: dimensions and 0-based entries (exact rationals). */
export interface Sms {
  file: string;
  rows: number;
  cols: number;
  /** Where errors about the size point: the `.sms` header line; '' for a program. */
  where: string;
  /** A program's width is only its largest input index: unused trailing inputs are zero columns. */
  colsAtLeast?: boolean;
  entries: { row: number; col: number; v: Fraction }[];
}

function widen(x: Sms, cols: number): void {
  if (x.colsAtLeast && x.cols < cols) x.cols = cols;
}

function shape(x: Sms): string {
  return x.where ? `${x.rows}×${x.cols}` : `${x.rows}×${x.cols} (outputs o0…o${x.rows - 1}, inputs up to i${x.cols - 1})`;
}

export type PlinoptLayout = { A: 'row' | 'col'; B: 'row' | 'col'; C: 'row' | 'col' };

/**
 * L, R, P as bytes; `file` is the base name or the path of any of the three (error messages name
 * `<base>_L.sms` etc.). They are `.slp` programs when `file` ends in `.slp`, else `.sms` matrices.
 * The format comes from opts.format, else the "NxMxP" in the name, else the matrix sizes.
 */
export function readPlinopt(L: Uint8Array, R: Uint8Array, P: Uint8Array, file: string, opts: ImportOptions = {}): Scheme<unknown> {
  const ext: Ext = file.endsWith('.slp') ? 'slp' : 'sms';
  const base = file.replace(/(_[LRP])?\.(sms|slp)$/, '');
  const [l, r, pm] = ([['L', L], ['R', R], ['P', P]] as const).map(([part, bytes]) => parseMatrix(bytes, `${base}_${part}.${ext}`, ext));
  return fromMatrices(l, r, pm, base, `${base}_{L,R,P}.${ext}`, opts, `PLinOpt .${ext}: ${basename(base)}_{L,R,P}.${ext}`);
}

/** `label` names the input in errors: the triple, or the factor file the user gave. */
function fromMatrices(l: Sms, r: Sms, pm: Sms, base: string, label: string, opts: ImportOptions, source: string): Scheme<unknown> {
  const [n, m, p] = formatOf(base, label, opts, l, r, pm);
  const rank = l.rows;
  expectSize(l, rank, n * m, 'L (one row per product, one column per entry of A)');
  expectSize(r, rank, m * p, 'R (one row per product, one column per entry of B)');
  expectSize(pm, n * p, rank, 'P (one row per entry of C, one column per product)');
  const tag: FieldTag = opts.field ?? ([l, r, pm].every((x) => x.entries.every((e) => e.v.d === 1n)) ? 'Z' : 'Q');
  const F = fieldOf(tag) as Field<unknown>;
  const [Lm, Rm, Pm] = [l, r, pm].map((x) => dense(x, F));
  const meta = { source, name: basename(base) };
  return build(Lm, Rm, Pm, [n, m, p], ROW_MAJOR, F, tag, { ...meta, source_layout: describeLayout(ROW_MAJOR) }, label);
}

const ROW_MAJOR: PlinoptLayout = { A: 'row', B: 'row', C: 'row' };

function describeLayout(l: PlinoptLayout): string {
  return `vec(A) ${l.A}-major, vec(B) ${l.B}-major, vec(C) ${l.C}-major`;
}

export function parseSms(bytes: Uint8Array, file: string): Sms {
  const lines = new TextDecoder().decode(bytes).split(/\r?\n/);
  let header: { rows: number; cols: number; line: number } | null = null;
  const entries: Sms['entries'] = [];
  const seen = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim(), where = `line ${i + 1}`;
    if (text === '') continue;
    if (text.startsWith('#')) {
      if (/placeholder for sqrt\s*\(\s*3\s*\)/i.test(text)) {
        throw new UnsupportedError(file, where, `uses a numeric placeholder for √3 ("${text}"): the scheme needs Q(√3), which has no exact representation over Q, so it cannot be imported`);
      }
      continue;
    }
    const tok = text.split(/\s+/);
    if (!header) {
      if (tok.length !== 3 || !/^\d+$/.test(tok[0]) || !/^\d+$/.test(tok[1]) || !/^[A-Za-z]+$/.test(tok[2])) {
        throw new InputError(file, where, `expected the header "rows cols R", got "${text}"`);
      }
      header = { rows: +tok[0], cols: +tok[1], line: i + 1 };
      continue;
    }
    if (tok.length !== 3 || !/^\d+$/.test(tok[0]) || !/^\d+$/.test(tok[1])) throw new InputError(file, where, `expected "row col value", got "${text}"`);
    const [row, col] = [+tok[0], +tok[1]];
    if (row === 0 && col === 0 && tok[2] === '0') return { file, rows: header.rows, cols: header.cols, where: `line ${header.line}`, entries };
    if (row < 1 || row > header.rows || col < 1 || col > header.cols) {
      throw new InputError(file, where, `entry (${row}, ${col}) is outside the ${header.rows}×${header.cols} matrix of the header (indices are 1-based)`);
    }
    const key = (row - 1) * header.cols + (col - 1);
    if (seen.has(key)) throw new InputError(file, where, `entry (${row}, ${col}) appears twice`);
    seen.add(key);
    let v: Fraction;
    try {
      const [num, den] = parseRational(tok[2]);
      v = Q.fromRational(num, den);
    } catch (err) {
      return asInputError(file, where, err);
    }
    entries.push({ row: row - 1, col: col - 1, v });
  }
  throw new InputError(file, header ? `line ${lines.length}` : '', header ? 'ends without the "0 0 0" terminator (truncated?)' : 'no header "rows cols R" found');
}

function formatOf(base: string, label: string, opts: ImportOptions, l: Sms, r: Sms, p: Sms): [number, number, number] {
  if (opts.format) return opts.format;
  const m = /(\d+)x(\d+)x(\d+)/.exec(basename(base));
  if (m) return [+m[1], +m[2], +m[3]];
  // Unnamed: nm·np/mp = n² from the widths of L and R and the height of P.
  const [nm, mp, np] = [l.cols, r.cols, p.rows];
  const n = Math.round(Math.sqrt((nm * np) / mp));
  if (n < 1 || nm % n || np % n || (nm / n) * (np / n) !== mp) {
    throw new InputError(label, '', `no "NxMxP" in the name and the sizes n·m=${nm}, m·p=${mp}, n·p=${np} fit no <n,m,p>; pass the format`);
  }
  return [n, nm / n, np / n];
}

function expectSize(x: Sms, rows: number, cols: number, what: string): void {
  const was = shape(x);
  widen(x, cols);
  if (x.rows === rows && x.cols === cols) return;
  throw new InputError(x.file, x.where, `is ${was}, expected ${rows}×${cols} for ${what}`);
}

function dense(x: Sms, F: Field<unknown>): unknown[][] {
  const M = Array.from({ length: x.rows }, () => Array.from({ length: x.cols }, () => F.zero));
  for (const e of x.entries) {
    try {
      M[e.row][e.col] = F.fromRational(e.v.s * e.v.n, e.v.d);
    } catch (err) {
      asInputError(x.file, `entry (${e.row + 1}, ${e.col + 1})`, err);
    }
  }
  return M;
}

/** U[t][i*m+j] = L[t][vecA(i,j)], V[t][j*p+k] = R[t][vecB(j,k)], W[t][i*p+k] = P[vecC(i,k)][t]. */
function build(L: unknown[][], R: unknown[][], P: unknown[][], [n, m, p]: [number, number, number], lay: PlinoptLayout,
  F: Field<unknown>, tag: FieldTag, meta: Record<string, unknown>, label: string): Scheme<unknown> {
  const vec = (major: 'row' | 'col', rows: number, cols: number) => (a: number, b: number) => (major === 'row' ? a * cols + b : b * rows + a);
  const [ia, ib, ic] = [vec(lay.A, n, m), vec(lay.B, m, p), vec(lay.C, n, p)];
  const grid = (rows: number, cols: number, f: (a: number, b: number) => unknown) =>
    Array.from({ length: rows * cols }, (_, g) => f(Math.floor(g / cols), g % cols));
  const U = L.map((row) => grid(n, m, (i, j) => row[ia(i, j)]));
  const V = R.map((row) => grid(m, p, (j, k) => row[ib(j, k)]));
  const W = L.map((_, t) => grid(n, p, (i, k) => P[ic(i, k)][t]));
  try {
    return makeScheme({ field: F, fieldTag: tag, target: { kind: 'matmul', format: [n, m, p] }, U, V, W, meta });
  } catch (err) {
    return asInputError(label, '', err);
  }
}
