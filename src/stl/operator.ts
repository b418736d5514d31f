import { changeField, formatOf, rank, SchemeError, type Scheme } from '../scheme/index.ts';
import { ShapeError, type Matrix } from './matrix.ts';
import { batchedMatmul, decodeTiles, encodeTiles } from './tiles.ts';

/**
 * The Strassen-Tile operator STL(t, r, E_X, E_W, D) of stl.md, float64 reference implementation.
 * E_X, E_W are r×t² and D is t²×r, all row-major Float64Arrays.
 */
export interface StlEncoders {
  readonly t: number;
  readonly EX: Float64Array;
  readonly EW: Float64Array;
  readonly D: Float64Array;
}

/** r from the encoder sizes, after checking that E_X, E_W, D agree with each other and with t. */
export function stlRank(enc: StlEncoders): number {
  const { t, EX, EW, D } = enc;
  if (!Number.isInteger(t) || t < 1) throw new ShapeError(`tile size t must be a positive integer, got ${t}`);
  const t2 = t * t;
  if (EX.length % t2 !== 0) throw new ShapeError(`E_X has ${EX.length} entries, not a multiple of t² = ${t2}`);
  const r = EX.length / t2;
  if (EW.length !== r * t2) throw new ShapeError(`E_W has ${EW.length} entries, expected r·t² = ${r * t2}`);
  if (D.length !== t2 * r) throw new ShapeError(`D has ${D.length} entries, expected t²·r = ${t2 * r}`);
  return r;
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

/** Ŵ: the r grids (each ⌈N/t⌉×⌈P/t⌉) of encoded weight tiles, computed once, offline. */
export interface EncodedWeights {
  readonly t: number;
  readonly r: number;
  /** N and P of the original W (before padding). */
  readonly rows: number;
  readonly cols: number;
  /** Tiles along N and P. */
  readonly gn: number;
  readonly gp: number;
  /** r×gn×gp, [l][k][j]. */
  readonly data: Float64Array;
}

export function encodeWeights(W: Matrix, enc: StlEncoders): EncodedWeights {
  const r = stlRank(enc);
  const { grid, gr, gc } = encodeTiles(W, enc.t, enc.EW, r);
  return { t: enc.t, r, rows: W.rows, cols: W.cols, gn: gr, gp: gc, data: grid };
}

/** The online part: encode X, r batched GEMMs against the stored Ŵ, decode. Result M×P. */
export function stlApply(X: Matrix, Wh: EncodedWeights, enc: StlEncoders): Matrix {
  const r = stlRank(enc);
  if (Wh.t !== enc.t || Wh.r !== r) throw new ShapeError(`encoded weights are for t=${Wh.t}, r=${Wh.r}; the encoders have t=${enc.t}, r=${r}`);
  if (X.cols !== Wh.rows) throw new ShapeError(`X is ${X.rows}×${X.cols} but W is ${Wh.rows}×${Wh.cols}`);
  const { grid: Xh, gr: gm, gc: gn } = encodeTiles(X, enc.t, enc.EX, r);
  const Zh = batchedMatmul(Xh, Wh.data, r, gm, gn, Wh.gp);
  return decodeTiles(Zh, enc.t, enc.D, r, gm, Wh.gp, X.rows, Wh.cols);
}

/** STL(X, W) for X M×N and W N×P, zero-padding to multiples of t; with an exact scheme this is XW. */
export function stl(X: Matrix, W: Matrix, enc: StlEncoders): Matrix {
  if (X.cols !== W.rows) throw new ShapeError(`cannot multiply ${X.rows}×${X.cols} by ${W.rows}×${W.cols}`);
  return stlApply(X, encodeWeights(W, enc), enc);
}
