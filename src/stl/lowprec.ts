import { encodersFromScheme, factorsOfEncoders, type StlEncoders } from '../cp/convert.ts';
import { schemeNormSq, type Factors } from '../cp/factors.ts';
import { gaussianMatrix, relErrorSq, type Matrix } from './matrix.ts';
import { stlRank } from './operator.ts';
import { batchedMatmul, decodeTiles, encodeTiles } from './tiles.ts';
import type { Scheme } from '../scheme/index.ts';

/**
 * The STL operator in low precision, as the GPU kernels (src/codegen, bench/gpu) compute it, and
 * the conditioning measure κ that governs its rounding error.
 *
 * Kernel model (bf16 or fp16 storage, fp32 arithmetic):
 *  - X and W are stored in the low format (rounded once; the reference uses the same rounded values);
 *  - encode: X̂_l = Σ_q E_X[l,q]·x_q in fp32 with fp32 coefficients, stored rounded to the format;
 *    Ŵ_l likewise (offline, but stored in the format too);
 *  - the r GEMMs accumulate in fp32; the unfused kernel stores the products M_l in the format, the
 *    fused one keeps them in fp32 registers;
 *  - decode Y = Σ_l D[·,l] M_l in fp32, Y stored in the format.
 * fp32 accumulation is modelled in float64 (its error, ~1e-7·√K, is far below one bf16 rounding).
 * The error reported is ‖Y_low − Y_64‖_F / ‖Y_64‖_F with Y_64 the float64 operator on the same
 * (rounded) inputs: the `rel_error` of bench/gpu, not squared.
 *
 * Model. Roundings of relative size δ (RMS σ, the rounding of a Gaussian value) in X̂_l, Ŵ_l, M_l
 * are independent, and for i.i.d. Gaussian X, W the product l carries E‖X̂_l Ŵ_l‖² ∝ ‖u_l‖²‖v_l‖²,
 * decoded with weight ‖w_l‖²; the output E‖Y‖² ∝ ‖T̂‖_F². Hence
 *
 *     rel. error² ≈ σ² (k·κ² + 1),   κ² = Σ_l ‖u_l‖²‖v_l‖²‖w_l‖² / ‖T̂‖_F²,
 *
 * k = 2 (fused: X̂, Ŵ rounded) or 3 (unfused: also M_l), the 1 for the output rounding. κ ≥ 1 when
 * products do not overlap (naive: κ = 1); cancellation between products (large terms summing to
 * a small tensor) makes it large. κ is invariant under rescaling a product's three factors and under
 * the orthogonal symmetries of <t,t,t>. An operand whose encoder row is a single ±2^k coefficient is
 * exact in the format; modelError counts only the roundings that happen.
 */
export type LowDtype = 'bf16' | 'fp16';

export const LOW_DTYPES: readonly LowDtype[] = ['bf16', 'fp16'];

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: high word at 1
const POW2 = Array.from({ length: 2200 }, (_, i) => 2 ** (i - 1100));

/**
 * A binary floating-point format by its significand bits p (with the implicit one), least normal
 * exponent emin and largest finite value max; `saturate`: values past max become ±max (FP8 e4m3,
 * which has no infinity) instead of ±Infinity (IEEE formats).
 */
export interface BinaryFormat { p: number; emin: number; max: number; saturate: boolean }

/**
 * x rounded to the nearest value of the format, ties to even (IEEE round-to-nearest-even), directly
 * from float64 (no intermediate fp32). Subnormals of the format are kept; past the largest finite
 * value: ±Infinity or, saturating, ±max. NaN stays NaN.
 */
export function roundToFormat(f: BinaryFormat, x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  f64[0] = x;
  let e = ((u32[HI] >>> 20) & 0x7ff) - 1023;
  if (e < f.emin) e = f.emin;
  const ulp = POW2[e - (f.p - 1) + 1100];
  const y = x / ulp;
  let q = Math.round(y);
  // Math.round sends halves up; ties go to the even neighbour.
  if (q - y === 0.5 && q % 2 !== 0) q -= 1;
  const v = q * ulp;
  if (Math.abs(v) <= f.max) return v;
  return f.saturate ? (v > 0 ? f.max : -f.max) : v > 0 ? Infinity : -Infinity;
}

const BINARY: Record<LowDtype, BinaryFormat> = {
  bf16: { p: 8, emin: -126, max: (2 - 2 ** -7) * 2 ** 127, saturate: false },
  fp16: { p: 11, emin: -14, max: 65504, saturate: false },
};

/** x rounded to bf16 or fp16 (roundToFormat; overflow gives ±Infinity). */
export const roundTo = (dtype: LowDtype, x: number): number => roundToFormat(BINARY[dtype], x);

export const roundBf16 = (x: number): number => roundTo('bf16', x);
export const roundFp16 = (x: number): number => roundTo('fp16', x);

/** Round every entry in place; returns the array. */
export function roundArray(dtype: LowDtype, a: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) a[i] = roundTo(dtype, a[i]);
  return a;
}

const roundMatrix = (dtype: LowDtype, A: Matrix): Matrix => ({ rows: A.rows, cols: A.cols, data: roundArray(dtype, A.data.slice()) });

export interface LowPrecisionOptions {
  dtype: LowDtype;
  /** Unfused kernel: the products M_l are stored in the format (true); fused: kept in fp32 (false). */
  storeProducts: boolean;
  /** Round the output Y to the format (default true: the kernels write a bf16/fp16 Y). */
  roundOutput?: boolean;
}

/**
 * The low-precision STL output and the float64 reference on the same inputs (X, W rounded to the
 * format first: the reference of bench/gpu starts from the same bf16 tensors).
 */
export function stlLowPrecision(X: Matrix, W: Matrix, enc: StlEncoders, opts: LowPrecisionOptions): { low: Matrix; ref: Matrix } {
  const r = stlRank(enc), t = enc.t, d = opts.dtype;
  const Xr = roundMatrix(d, X), Wr = roundMatrix(d, W);
  const ex = encodeTiles(Xr, t, enc.EX, r), ew = encodeTiles(Wr, t, enc.EW, r);
  const Z = batchedMatmul(ex.grid, ew.grid, r, ex.gr, ex.gc, ew.gc);
  const ref = decodeTiles(Z, t, enc.D, r, ex.gr, ew.gc, X.rows, W.cols);
  const Zl = batchedMatmul(roundArray(d, ex.grid), roundArray(d, ew.grid), r, ex.gr, ex.gc, ew.gc);
  if (opts.storeProducts) roundArray(d, Zl);
  const low = decodeTiles(Zl, t, enc.D, r, ex.gr, ew.gc, X.rows, W.cols);
  if (opts.roundOutput ?? true) roundArray(d, low.data);
  return { low, ref };
}

/** ‖A − B‖_F / ‖B‖_F (not squared, as bench/gpu reports it). */
export const relFrobenius = (A: ArrayLike<number>, B: ArrayLike<number>): number => Math.sqrt(relErrorSq(A, B));

export interface RoundingErrorOptions extends LowPrecisionOptions {
  /** X is size×size and W size×size (default 256). */
  size?: number;
  /** Seeds of the Gaussian data: X from 2s−1, W from 2s (default 1, 2, 3). */
  seeds?: readonly number[];
}

export interface RoundingError {
  /** Mean over the seeds of ‖Y_low − Y_64‖_F / ‖Y_64‖_F. */
  mean: number;
  values: number[];
  dtype: LowDtype;
  storeProducts: boolean;
  size: number;
}

const asEncoders = (s: Scheme<unknown> | StlEncoders): StlEncoders => ('EX' in s ? s : encodersFromScheme(s));

/**
 * The rounding error of the STL operator in the format, simulated on seeded i.i.d. N(0,1) data:
 * relative Frobenius distance of the low-precision output from the float64 operator (the SAME
 * operator, so the approximation error of the scheme does not enter), mean over the seeds.
 */
export function predictedRoundingError(s: Scheme<unknown> | StlEncoders, opts: RoundingErrorOptions): RoundingError {
  const enc = asEncoders(s);
  const size = opts.size ?? 256, seeds = opts.seeds ?? [1, 2, 3];
  const values = seeds.map((seed) => {
    const { low, ref } = stlLowPrecision(gaussianMatrix(size, size, 2 * seed - 1), gaussianMatrix(size, size, 2 * seed), enc, opts);
    return relFrobenius(low.data, ref.data);
  });
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, values, dtype: opts.dtype, storeProducts: opts.storeProducts, size };
}

const rowSq = (X: Float64Array, d: number, l: number) => {
  let s = 0;
  for (let x = 0; x < d; x++) s += X[l * d + x] ** 2;
  return s;
};

/** Per product ‖u_l‖²‖v_l‖²‖w_l‖² (the rounding weight of product l). */
export function productWeights(F: Factors, r: number, a: number, b: number, c: number): Float64Array {
  const out = new Float64Array(r);
  for (let l = 0; l < r; l++) out[l] = rowSq(F.U, a, l) * rowSq(F.V, b, l) * rowSq(F.W, c, l);
  return out;
}

/** κ of flat factors: √(Σ_l ‖u_l‖²‖v_l‖²‖w_l‖² / ‖T̂‖_F²); Infinity when T̂ = 0 with nonzero products, 1 for the empty scheme. */
export function kappaOfFactors(F: Factors, r: number, a: number, b: number, c: number): number {
  let sum = 0;
  for (const x of productWeights(F, r, a, b, c)) sum += x;
  const hat = schemeNormSq(F, r, a, b, c);
  if (sum === 0) return 1;
  return hat <= 0 ? Infinity : Math.sqrt(sum / hat);
}

/** E_X, E_W, D of STL as flat factors (W = Dᵀ), with r (checked) and d = t². */
function encFactors(enc: StlEncoders): { F: Factors; r: number; d: number } {
  const r = stlRank(enc);
  return { F: factorsOfEncoders(enc, r), r, d: enc.t * enc.t };
}

/** κ of a <t,t,t> scheme or of STL encoders (see the module comment). */
export function kappa(s: Scheme<unknown> | StlEncoders): number {
  const { F, r, d } = encFactors(asEncoders(s));
  return kappaOfFactors(F, r, d, d, d);
}

/**
 * σ: the RMS relative rounding error of an N(0,1) value in the format,
 * √(E[(round(y) − y)²] / E[y²]) with the rounding error uniform over an ulp: E = Σ over binades of
 * P(binade)·ulp²/12, integrated numerically (bf16: 1.66e-3, the error bench/gpu measures for cuBLAS).
 */
export function gaussianRoundingRms(dtype: LowDtype): number {
  return gaussianRoundingRmsOf(BINARY[dtype], 1);
}

/**
 * σ of a format for N(0, std²) values (std: where the data sit in the format's range, the scaled
 * FP8 operands of src/stl/fp8.ts): Σ over binades (the subnormal range as one, with the least ulp)
 * of P(binade)·ulp²/12, over E[y²] = std².
 */
export function gaussianRoundingRmsOf(f: BinaryFormat, std: number): number {
  let s = 0;
  const top = Math.ceil(Math.log2(std)) + 8;
  const sub = 2 ** (f.emin - (f.p - 1));
  s += 2 * (normalCdf(2 ** f.emin / std) - 0.5) * sub * sub / 12;
  for (let e = f.emin; e <= top; e++) {
    const lo = 2 ** e / std, hi = 2 ** (e + 1) / std;
    const prob = 2 * (normalCdf(hi) - normalCdf(lo));
    s += prob * (2 ** (e - (f.p - 1))) ** 2 / 12;
  }
  return Math.sqrt(s) / std;
}

function normalCdf(x: number): number {
  // Φ(x) by the complementary error function (Numerical Recipes erfc, relative error < 1.2e-7).
  const z = Math.abs(x) / Math.SQRT2, u = 1 / (1 + z / 2);
  const erfc = u * Math.exp(-z * z - 1.26551223 + u * (1.00002368 + u * (0.37409196 + u * (0.09678418 + u * (-0.18628806 + u * (0.27886807 + u * (-1.13520398 + u * (1.48851587 + u * (-0.82215223 + u * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** True when a row has exactly one nonzero and it is ±2^k: the encoded operand is then exact. */
function exactRow(X: Float64Array, d: number, l: number): boolean {
  let nz = 0, v = 0;
  for (let x = 0; x < d; x++) if (X[l * d + x] !== 0) (nz++, (v = Math.abs(X[l * d + x])));
  return nz <= 1 && (nz === 0 || Number.isInteger(Math.log2(v)));
}

/**
 * The model's prediction of predictedRoundingError: σ·√(Σ_l k_l·p_l/‖T̂‖² + 1), k_l counting the
 * roundings product l undergoes (X̂_l and Ŵ_l unless their encoder row is one ±2^k; M_l when stored),
 * p_l = ‖u_l‖²‖v_l‖²‖w_l‖². With every operand rounded this is σ·√(k·κ² + 1).
 */
export function modelRoundingError(s: Scheme<unknown> | StlEncoders, opts: LowPrecisionOptions): number {
  const { F, r, d } = encFactors(asEncoders(s));
  const p = productWeights(F, r, d, d, d);
  const hat = schemeNormSq(F, r, d, d, d);
  let sum = 0;
  for (let l = 0; l < r; l++) {
    const k = (exactRow(F.U, d, l) ? 0 : 1) + (exactRow(F.V, d, l) ? 0 : 1) + (opts.storeProducts ? 1 : 0);
    sum += k * p[l];
  }
  const sigma = gaussianRoundingRms(opts.dtype);
  return sigma * Math.sqrt((hat > 0 ? sum / hat : sum > 0 ? Infinity : 0) + ((opts.roundOutput ?? true) ? 1 : 0));
}

/** σ·√(k·κ² + 1), k = 3 unfused, 2 fused: the rounding error a κ stands for (every operand rounded). */
export function kappaToError(k: number, opts: LowPrecisionOptions): number {
  return gaussianRoundingRms(opts.dtype) * Math.sqrt((opts.storeProducts ? 3 : 2) * k * k + 1);
}

/** The largest κ whose model error (every operand rounded) stays ≤ err; 0 when even κ = 0 does not. */
export function errorToKappa(err: number, opts: LowPrecisionOptions): number {
  const s = gaussianRoundingRms(opts.dtype), k = opts.storeProducts ? 3 : 2;
  const x = ((err / s) ** 2 - 1) / k;
  return x > 0 ? Math.sqrt(x) : 0;
}
