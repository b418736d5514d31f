import { ShapeError, type Matrix } from './matrix.ts';

/**
 * Tile encoding and decoding (stl.md, "The STL operator"). A matrix with R×C entries is cut into
 * ⌈R/t⌉×⌈C/t⌉ tiles of t×t; entries past the edge are zero, which is the zero padding of stl.md
 * without materialising a padded copy. vec is row-major inside a tile: vec(T)[a·t + b] = T[a, b].
 */

/** Number of t-tiles along a side of length n (the padded length is tiles·t). */
export const tilesAlong = (n: number, t: number): number => Math.ceil(n / t);

/**
 * r grids of encoded tiles: out[(l·gr + i)·gc + k] = (E vec A_ik)_l with E r×t² row-major.
 * Layout [l][i][k] makes each grid a contiguous gr×gc row-major matrix, ready for a batched GEMM.
 */
export function encodeTiles(A: Matrix, t: number, E: Float64Array, r: number): { grid: Float64Array; gr: number; gc: number } {
  const t2 = t * t;
  if (E.length !== r * t2) throw new ShapeError(`encoder has ${E.length} entries, expected r·t² = ${r}·${t2}`);
  const gr = tilesAlong(A.rows, t), gc = tilesAlong(A.cols, t);
  const grid = new Float64Array(r * gr * gc);
  const v = new Float64Array(t2);
  for (let i = 0; i < gr; i++) for (let k = 0; k < gc; k++) {
    v.fill(0);
    for (let a = 0; a < t; a++) {
      const row = i * t + a;
      if (row >= A.rows) break;
      for (let b = 0; b < t; b++) {
        const col = k * t + b;
        if (col >= A.cols) break;
        v[a * t + b] = A.data[row * A.cols + col];
      }
    }
    for (let l = 0; l < r; l++) {
      let s = 0;
      const el = l * t2;
      for (let q = 0; q < t2; q++) s += E[el + q] * v[q];
      grid[(l * gr + i) * gc + k] = s;
    }
  }
  return { grid, gr, gc };
}

/**
 * The r batched products Ẑ_l = X̂_l Ŵ_l: X̂ is r×gm×gn, Ŵ is r×gn×gp, Ẑ is r×gm×gp, all [l][row][col].
 * This is the part a GPU gives to its tensor cores; here a plain i-k-j loop per l.
 */
export function batchedMatmul(Xh: Float64Array, Wh: Float64Array, r: number, gm: number, gn: number, gp: number): Float64Array {
  if (Xh.length !== r * gm * gn || Wh.length !== r * gn * gp) throw new ShapeError(`batched GEMM operands do not fit r=${r}, ${gm}×${gn} by ${gn}×${gp}`);
  const Z = new Float64Array(r * gm * gp);
  for (let l = 0; l < r; l++) {
    const xo = l * gm * gn, wo = l * gn * gp, zo = l * gm * gp;
    for (let i = 0; i < gm; i++) for (let k = 0; k < gn; k++) {
      const a = Xh[xo + i * gn + k];
      if (a === 0) continue;
      const w = wo + k * gp, z = zo + i * gp;
      for (let j = 0; j < gp; j++) Z[z + j] += a * Wh[w + j];
    }
  }
  return Z;
}

/**
 * Decode: tile (i, j) of the result is mat_t(D [Ẑ_1[i,j], …, Ẑ_r[i,j]]) with D t²×r row-major;
 * entries that fall in the padding are dropped, giving exactly rows×cols.
 */
export function decodeTiles(Z: Float64Array, t: number, D: Float64Array, r: number, gm: number, gp: number, rows: number, cols: number): Matrix {
  const t2 = t * t;
  if (D.length !== t2 * r) throw new ShapeError(`decoder has ${D.length} entries, expected t²·r = ${t2}·${r}`);
  if (Z.length !== r * gm * gp) throw new ShapeError(`encoded product has ${Z.length} values, expected ${r}·${gm}·${gp}`);
  const out = new Float64Array(rows * cols);
  const z = new Float64Array(r);
  for (let i = 0; i < gm; i++) for (let j = 0; j < gp; j++) {
    for (let l = 0; l < r; l++) z[l] = Z[(l * gm + i) * gp + j];
    for (let a = 0; a < t; a++) {
      const row = i * t + a;
      if (row >= rows) break;
      for (let b = 0; b < t; b++) {
        const col = j * t + b;
        if (col >= cols) break;
        const dq = (a * t + b) * r;
        let s = 0;
        for (let l = 0; l < r; l++) s += D[dq + l] * z[l];
        out[row * cols + col] = s;
      }
    }
  }
  return { rows, cols, data: out };
}
