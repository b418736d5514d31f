import type { StlEncoders } from '../cp/convert.ts';
import { ShapeError, type Matrix } from './matrix.ts';
import { batchedMatmul, decodeTiles, encodeTiles } from './tiles.ts';

/**
 * The Strassen-Tile operator STL(t, r, E_X, E_W, D) of stl.md, float64 reference implementation.
 * E_X, E_W are r×t² and D is t²×r, all row-major Float64Arrays; the type and its conversions from
 * and to schemes live in src/cp/convert.ts, below the STL layer, and are re-exported here.
 */
export { encodersFromScheme, encodersToScheme, type StlEncoders } from '../cp/convert.ts';

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
