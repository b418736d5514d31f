import { R, type Fraction } from '../field/index.ts';
import { changeField, formatOf, makeScheme, rank, SchemeError, type Scheme, type SchemeMeta } from '../scheme/index.ts';
import type { Factors } from './factors.ts';

/**
 * The three forms of a float rank-r decomposition and the conversions between them:
 *  - Scheme: exact or float coefficients, rows of U, V, W are products (src/scheme);
 *  - Factors: the same rows flat in Float64Arrays (factors.ts), what the numerical methods work on;
 *  - STL encoders (E_X, E_W, D) of the Strassen-Tile operator for <t,t,t>: E_X = U, E_W = V and the
 *    decoder D = Wᵀ, t²×r (the layout of stl.md, used by src/stl and the generated kernels).
 */

/** The STL operator's coefficients: E_X, E_W are r×t² and D is t²×r, all row-major. */
export interface StlEncoders {
  readonly t: number;
  readonly EX: Float64Array;
  readonly EW: Float64Array;
  readonly D: Float64Array;
}

/** Float factors as a scheme over R for <n,m,p> (r from the length of U). */
export function floatScheme(format: [number, number, number], F: Factors, meta: SchemeMeta = {}): Scheme<number> {
  const [n, m, p] = format;
  const r = F.U.length / (n * m);
  return makeScheme({ field: R, fieldTag: 'R', target: { kind: 'matmul', format }, U: rowsOf(F.U, r, n * m), V: rowsOf(F.V, r, m * p), W: rowsOf(F.W, r, n * p), meta });
}

/** Any scheme with numeric or Fraction coefficients as float factors. */
export function schemeFactors(s: Scheme<unknown>): Factors {
  const num = (x: unknown) => (typeof x === 'number' ? x : (x as Fraction).valueOf());
  const flat = (M: readonly (readonly unknown[])[]) => Float64Array.from(M.flatMap((row) => row.map(num)));
  return { U: flat(s.U), V: flat(s.V), W: flat(s.W) };
}

/**
 * A scheme for <t,t,t> as STL encoders: E_X = U, E_W = V, D = Wᵀ (rows of U, V, W are products).
 * Exact coefficients (Z, Q, C with real values) become the nearest floats; Z_p schemes are refused,
 * since their coefficients are residues and compute the product only modulo p.
 */
export function encodersFromScheme(s: Scheme<unknown>): StlEncoders & { r: number } {
  const [n, m, p] = formatOf(s);
  if (n !== m || m !== p) throw new SchemeError(`STL needs a scheme for <t,t,t>, got <${n},${m},${p}>`);
  if (s.field.characteristic !== 0n) throw new SchemeError(`a scheme over ${s.field.name} computes the product only modulo ${s.field.characteristic}; STL needs real coefficients`);
  const f = changeField<unknown, number>(s, 'R');
  const t = n, t2 = t * t, r = rank(s);
  const EX = new Float64Array(r * t2), EW = new Float64Array(r * t2), D = new Float64Array(t2 * r);
  for (let l = 0; l < r; l++) for (let q = 0; q < t2; q++) {
    EX[l * t2 + q] = f.U[l][q];
    EW[l * t2 + q] = f.V[l][q];
    D[q * r + l] = f.W[l][q];
  }
  return { t, r, EX, EW, D };
}

/** Encoders as a float scheme for <t,t,t> (r from the length of E_X; see stlRank for a checked r). */
export function encodersToScheme(enc: StlEncoders, meta: SchemeMeta = {}): Scheme<number> {
  const t = enc.t, r = enc.EX.length / (t * t);
  return floatScheme([t, t, t], factorsOfEncoders(enc, r), meta);
}

/** STL encoders as factor rows (W = Dᵀ), copied. */
export function factorsOfEncoders(enc: StlEncoders, r: number): Factors {
  return { U: enc.EX.slice(), V: enc.EW.slice(), W: transpose(enc.D, enc.t * enc.t, r) };
}

/** Factor rows back to STL encoders (D = Wᵀ), copied. */
export function encodersOfFactors(F: Factors, t: number, r: number): StlEncoders & { r: number } {
  return { t, r, EX: F.U.slice(), EW: F.V.slice(), D: transpose(F.W, r, t * t) };
}

/** The rows of a row-major rows×cols array as arrays of numbers. */
export function rowsOf(X: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from(X.subarray(i * cols, (i + 1) * cols)));
}

/** Xᵀ for X row-major rows×cols. */
function transpose(X: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = X[i * cols + j];
  return out;
}
