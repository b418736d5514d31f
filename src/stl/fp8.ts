import { encodersFromScheme, factorsOfEncoders, type StlEncoders } from '../cp/convert.ts';
import { schemeNormSq } from '../cp/factors.ts';
import type { Scheme } from '../scheme/index.ts';
import { gaussianRoundingRms, gaussianRoundingRmsOf, productWeights, relFrobenius, roundArray, roundToFormat, type BinaryFormat } from './lowprec.ts';
import { gaussianMatrix, type Matrix } from './matrix.ts';
import { stlRank } from './operator.ts';
import { batchedMatmul, decodeTiles, encodeTiles } from './tiles.ts';

/**
 * The STL operator with its r products in FP8, as an FP8 kernel would compute it, beside the plain
 * FP8 GEMM (torch._scaled_mm) it competes with.
 *
 * Kernel model:
 *  - X and W are bf16 (rounded once; the float64 reference uses the same rounded values);
 *  - encode: X̂_l = Σ_q E_X[l,q]·x_q in fp32, then quantised to FP8 with a scale s that maps the
 *    block's largest |value| (amax) to the format's largest finite value: q = round(s·x̂), stored
 *    with 1/s. Blocks: the whole encoded tensor (`tensor`), each product's X̂_l (`product`), or each
 *    row of X̂_l and each column of Ŵ_l (`row`: the row-/column-wise scales of torch._scaled_mm);
 *  - the GEMMs multiply the FP8 values exactly and accumulate in fp32, then apply 1/(s_X·s_W);
 *    the products Ẑ_l are stored in bf16;
 *  - decode Y = Σ_l D[·,l] Ẑ_l in fp32, Y stored in bf16.
 * fp32 accumulation and the scale arithmetic are modelled in float64 (their error, ~1e-7, is far
 * below one FP8 rounding, 2^-4 relative). Scales are not rounded: a kernel keeps them in fp32.
 *
 * Model, as in lowprec.ts: roundings of X̂_l and Ŵ_l (RMS σ₈ each), of Ẑ_l and of Y (σ_bf16) are
 * independent, product l weighted by p_l = ‖u_l‖²‖v_l‖²‖w_l‖², so
 *
 *     rel. error² ≈ (2σ₈² + σ_bf16²)·κ² + σ_bf16²,
 *
 * i.e. σ₈·√(2κ² + 1) up to the bf16 terms. Unlike bf16, every encoded operand is rounded (even a
 * single ±2^k coefficient: x_q is bf16, with more bits than FP8). σ₈ is taken for Gaussian values
 * scaled so that 4 standard deviations (about the amax of a few thousand samples) sit at the top of
 * the format; the subnormal range then holds a negligible share, so σ₈ depends on p only.
 */
export type Fp8Dtype = 'fp8-e4m3' | 'fp8-e5m2';
export const FP8_DTYPES: readonly Fp8Dtype[] = ['fp8-e4m3', 'fp8-e5m2'];

export type Fp8Scaling = 'tensor' | 'product' | 'row';
export const FP8_SCALINGS: readonly Fp8Scaling[] = ['tensor', 'product', 'row'];

/** e4m3 ("fn": no infinity, one NaN pattern, so the top binade stops at 1.75·2^8) saturates; e5m2 is IEEE-like. */
export const FP8_FORMATS: Record<Fp8Dtype, BinaryFormat> = {
  'fp8-e4m3': { p: 4, emin: -6, max: 448, saturate: true },
  'fp8-e5m2': { p: 3, emin: -14, max: 57344, saturate: false },
};

/** x rounded to nearest-even in the FP8 format (e4m3 saturates at ±448; e5m2 overflows to ±Infinity). */
export const roundFp8 = (dtype: Fp8Dtype, x: number): number => roundToFormat(FP8_FORMATS[dtype], x);

/**
 * Quantise r blocks of rows×cols ([l][i][j], as encodeTiles lays them out) to FP8 and back: each
 * value becomes round(s·x)/s with s = max/amax of its scaling block. `columns`: the row scaling
 * scales columns (the right operand Ŵ_l, whose columns are the output's columns).
 */
export function quantizeFp8(a: Float64Array, r: number, rows: number, cols: number, dtype: Fp8Dtype, scaling: Fp8Scaling, columns = false): Float64Array {
  const f = FP8_FORMATS[dtype];
  const out = new Float64Array(a.length);
  const n = rows * cols;
  // Block of entry (l, i, j): its index into the amax table.
  const block = scaling === 'tensor' ? () => 0 : scaling === 'product' ? (l: number) => l : columns ? (l: number, _i: number, j: number) => l * cols + j : (l: number, i: number) => l * rows + i;
  const blocks = scaling === 'tensor' ? 1 : scaling === 'product' ? r : r * (columns ? cols : rows);
  const amax = new Float64Array(blocks);
  for (let l = 0; l < r; l++) for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    const b = block(l, i, j), v = Math.abs(a[l * n + i * cols + j]);
    if (v > amax[b]) amax[b] = v;
  }
  for (let l = 0; l < r; l++) for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    const b = block(l, i, j), k = l * n + i * cols + j;
    const s = amax[b] > 0 ? f.max / amax[b] : 1;
    out[k] = roundToFormat(f, s * a[k]) / s;
  }
  return out;
}

export interface Fp8Options {
  dtype: Fp8Dtype;
  scaling: Fp8Scaling;
}

/** The FP8-product STL output and the float64 operator on the same (bf16-rounded) inputs. */
export function stlFp8(X: Matrix, W: Matrix, enc: StlEncoders, opts: Fp8Options): { low: Matrix; ref: Matrix } {
  const r = stlRank(enc), t = enc.t;
  const Xr = roundArray('bf16', X.data.slice()), Wr = roundArray('bf16', W.data.slice());
  const ex = encodeTiles({ ...X, data: Xr }, t, enc.EX, r), ew = encodeTiles({ ...W, data: Wr }, t, enc.EW, r);
  const Z = batchedMatmul(ex.grid, ew.grid, r, ex.gr, ex.gc, ew.gc);
  const ref = decodeTiles(Z, t, enc.D, r, ex.gr, ew.gc, X.rows, W.cols);
  const Xq = quantizeFp8(ex.grid, r, ex.gr, ex.gc, opts.dtype, opts.scaling);
  const Wq = quantizeFp8(ew.grid, r, ew.gr, ew.gc, opts.dtype, opts.scaling, true);
  const Zl = roundArray('bf16', batchedMatmul(Xq, Wq, r, ex.gr, ex.gc, ew.gc));
  const low = decodeTiles(Zl, t, enc.D, r, ex.gr, ew.gc, X.rows, W.cols);
  roundArray('bf16', low.data);
  return { low, ref };
}

/** The plain GEMM as 1×1 tiles with one product: the FP8 GEMM peer (torch._scaled_mm, bf16 output). */
export const GEMM_ENCODERS: StlEncoders = { t: 1, EX: new Float64Array([1]), EW: new Float64Array([1]), D: new Float64Array([1]) };

export interface Fp8ErrorOptions extends Fp8Options {
  /** X and W are size×size (default 256). */
  size?: number;
  /** X from 2s−1, W from 2s for each seed s (default 1, 2, 3). */
  seeds?: readonly number[];
}

export interface Fp8Error {
  /** Mean over the seeds of ‖Y_fp8 − Y_64‖_F / ‖Y_64‖_F. */
  mean: number;
  values: number[];
  dtype: Fp8Dtype;
  scaling: Fp8Scaling;
  size: number;
  seeds: number[];
}

const asEncoders = (s: Scheme<unknown> | StlEncoders): StlEncoders => ('EX' in s ? s : encodersFromScheme(s));

/** Simulated rounding error of the FP8-product STL operator on seeded N(0,1) data (the same operator in float64 as reference). */
export function fp8RoundingError(s: Scheme<unknown> | StlEncoders, opts: Fp8ErrorOptions): Fp8Error {
  const enc = asEncoders(s);
  const size = opts.size ?? 256, seeds = [...(opts.seeds ?? [1, 2, 3])];
  const values = seeds.map((seed) => {
    const { low, ref } = stlFp8(gaussianMatrix(size, size, 2 * seed - 1), gaussianMatrix(size, size, 2 * seed), enc, opts);
    return relFrobenius(low.data, ref.data);
  });
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, values, dtype: opts.dtype, scaling: opts.scaling, size, seeds };
}

/** The same simulation for the plain FP8 GEMM on the same data. */
export const fp8GemmError = (opts: Fp8ErrorOptions): Fp8Error => fp8RoundingError(GEMM_ENCODERS, opts);

/** σ₈: RMS relative rounding error of scaled Gaussian values in the format (see the module comment). */
export function fp8RoundingRms(dtype: Fp8Dtype): number {
  return gaussianRoundingRmsOf(FP8_FORMATS[dtype], FP8_FORMATS[dtype].max / 4);
}

/** The model's prediction of fp8RoundingError: √((2σ₈² + σ_bf16²)·Σ_l p_l/‖T̂‖² + σ_bf16²). */
export function fp8ModelError(s: Scheme<unknown> | StlEncoders, dtype: Fp8Dtype): number {
  const enc = asEncoders(s);
  const r = stlRank(enc), d = enc.t * enc.t;
  const F = factorsOfEncoders(enc, r);
  let sum = 0;
  for (const x of productWeights(F, r, d, d, d)) sum += x;
  const hat = schemeNormSq(F, r, d, d, d);
  const k2 = hat > 0 ? sum / hat : sum > 0 ? Infinity : 0;
  return fp8KappaToError(Math.sqrt(k2), dtype);
}

/** The model error for a κ. */
export function fp8KappaToError(kappa: number, dtype: Fp8Dtype): number {
  const s8 = fp8RoundingRms(dtype), sb = gaussianRoundingRms('bf16');
  return Math.sqrt((2 * s8 * s8 + sb * sb) * kappa * kappa + sb * sb);
}

/** The largest κ whose model error stays ≤ err (0 when none does). */
export function fp8ErrorToKappa(err: number, dtype: Fp8Dtype): number {
  const s8 = fp8RoundingRms(dtype), sb = gaussianRoundingRms('bf16');
  const x = (err * err - sb * sb) / (2 * s8 * s8 + sb * sb);
  return x > 0 ? Math.sqrt(x) : 0;
}
