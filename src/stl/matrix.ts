import { Rng } from '../util/rng.ts';

/**
 * Dense float64 matrices, row-major: entry (i, j) is data[i * cols + j]. The STL operator works on
 * these; they are what .npy / .safetensors inputs become and what a Float64Array caller already has.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** A rows×cols matrix over `data` (zeros when omitted); the length must match. */
export function matrix(rows: number, cols: number, data?: Float64Array | readonly number[]): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) throw new ShapeError(`bad matrix shape ${rows}×${cols}`);
  const d = data === undefined ? new Float64Array(rows * cols) : data instanceof Float64Array ? data : Float64Array.from(data);
  if (d.length !== rows * cols) throw new ShapeError(`a ${rows}×${cols} matrix needs ${rows * cols} values, got ${d.length}`);
  return { rows, cols, data: d };
}

/** Entries i.i.d. N(0, 1) from a seeded generator (tests and benchmarks repeat exactly). */
export function gaussianMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const d = new Float64Array(rows * cols);
  for (let x = 0; x < d.length; x++) d[x] = rng.normal();
  return { rows, cols, data: d };
}

/** A·B, dense, float64 (i-k-j loop order: the inner loop runs along rows of B and C). */
export function matmul(A: Matrix, B: Matrix): Matrix {
  if (A.cols !== B.rows) throw new ShapeError(`cannot multiply ${A.rows}×${A.cols} by ${B.rows}×${B.cols}`);
  const [n, m, p] = [A.rows, A.cols, B.cols];
  const C = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const ci = i * p;
    for (let k = 0; k < m; k++) {
      const a = A.data[i * m + k];
      if (a === 0) continue;
      const bk = k * p;
      for (let j = 0; j < p; j++) C[ci + j] += a * B.data[bk + j];
    }
  }
  return { rows: n, cols: p, data: C };
}

export function transpose(A: Matrix): Matrix {
  const out = new Float64Array(A.data.length);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[j * A.rows + i] = A.data[i * A.cols + j];
  return { rows: A.cols, cols: A.rows, data: out };
}

export function frobeniusSq(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/** ‖A − B‖_F² / ‖B‖_F²: the squared relative error stl.md's error measures use. */
export function relErrorSq(A: ArrayLike<number>, B: ArrayLike<number>): number {
  if (A.length !== B.length) throw new ShapeError(`cannot compare arrays of ${A.length} and ${B.length} values`);
  let num = 0, den = 0;
  for (let i = 0; i < A.length; i++) {
    const d = A[i] - B[i];
    num += d * d;
    den += B[i] * B[i];
  }
  return den === 0 ? (num === 0 ? 0 : Infinity) : num / den;
}
