import type { Scheme } from '../scheme/index.ts';
import { isotropicError } from './error.ts';
import { fp8RoundingError } from './fp8.ts';
import { kappa, predictedRoundingError, type LowDtype } from './lowprec.ts';

/**
 * Is a scheme usable in a low-precision kernel? Its rounding error in the format (simulated as the
 * kernels compute: src/stl/lowprec.ts) is compared with the error the scheme makes anyway, its
 * approximation error √e (e the isotropic error, a squared relative error; √e is the expected
 * relative Frobenius error on i.i.d. data, the unit the rounding error is measured in). A rounding
 * error above that means the kernel's output is dominated by rounding, not by the approximation
 * the user chose; for exact schemes (e = 0) the floor is DEFAULT_ROUNDING_BOUND, the bound
 * `stlkit universal` searches under by default.
 */
export const DEFAULT_ROUNDING_BOUND = 0.02;

export interface RoundingCheck {
  dtype: LowDtype | 'fp8-e4m3';
  /** Products stored in the format between the GEMMs and the decode (the unfused kernels). */
  storeProducts: boolean;
  /** Simulated relative rounding error against the float64 operator (Infinity on overflow). */
  predicted: number;
  kappa: number;
  /** √(isotropic error): the scheme's own relative error. */
  approximationError: number;
  /** max(approximationError, DEFAULT_ROUNDING_BOUND). */
  bound: number;
  ok: boolean;
}

export function checkRounding(s: Scheme<unknown>, dtype: LowDtype, storeProducts: boolean): RoundingCheck {
  const sim = predictedRoundingError(s, { dtype, storeProducts }).mean;
  const predicted = Number.isFinite(sim) ? sim : Infinity;
  const approximationError = Math.sqrt(isotropicError(s).value);
  const bound = Math.max(approximationError, DEFAULT_ROUNDING_BOUND);
  return { dtype, storeProducts, predicted, kappa: kappa(s), approximationError, bound, ok: predicted <= bound };
}

const pct = (x: number) => (!Number.isFinite(x) ? 'overflow' : x >= 10 ? x.toPrecision(2) : `${(100 * x).toPrecision(3)} %`);

/** "predicted bf16 rounding error 1.89 % (unfused, κ 6.50), bound 68.0 %" */
export function describeRounding(c: RoundingCheck): string {
  return `predicted ${c.dtype} rounding error ${pct(c.predicted)} (${c.storeProducts ? 'unfused' : 'fused'}, κ ${c.kappa.toPrecision(3)}), bound ${pct(c.bound)} (${c.approximationError > DEFAULT_ROUNDING_BOUND ? 'the scheme\'s approximation error √e' : `${100 * DEFAULT_ROUNDING_BOUND} % floor`})`;
}

/** The one-line refusal: what was predicted, the bound, and how to go on. */
export function refusalMessage(file: string, c: RoundingCheck): string {
  return `${file}: ${describeRounding(c)}: the ${c.dtype} output would be dominated by rounding (ill-conditioned scheme); use a conditioned one (stlkit universal --max-bf16-error E, search/universal-results/t4-cond) or pass --allow-ill-conditioned`;
}

/**
 * FP8 products (e4m3, per-product scales, bf16 products: src/stl/fp8.ts) against the same bound,
 * with the floor FP8_ROUNDING_FLOOR: the plain FP8 GEMM already makes 3.7 %, so 2 % would refuse
 * every scheme; 5 % is the accuracy an FP8 STL kernel aims at.
 */
export const FP8_ROUNDING_FLOOR = 0.05;

export function checkFp8Rounding(s: Scheme<unknown>): RoundingCheck {
  const sim = fp8RoundingError(s, { dtype: 'fp8-e4m3', scaling: 'product' }).mean;
  const predicted = Number.isFinite(sim) ? sim : Infinity;
  const approximationError = Math.sqrt(isotropicError(s).value);
  const bound = Math.max(approximationError, FP8_ROUNDING_FLOOR);
  return { dtype: 'fp8-e4m3', storeProducts: true, predicted, kappa: kappa(s), approximationError, bound, ok: predicted <= bound };
}

/** "predicted fp8-e4m3 rounding error 10.5 % (per-product scales, κ 2.83), bound 5.00 % (5 % floor)" */
export function describeFp8Rounding(c: RoundingCheck): string {
  return `predicted ${c.dtype} rounding error ${pct(c.predicted)} (per-product scales, bf16 products, κ ${c.kappa.toPrecision(3)}), bound ${pct(c.bound)} (${c.approximationError > FP8_ROUNDING_FLOOR ? 'the scheme\'s approximation error √e' : `${100 * FP8_ROUNDING_FLOOR} % floor`})`;
}

export function fp8RefusalMessage(file: string, c: RoundingCheck): string {
  return `${file}: ${describeFp8Rounding(c)}: the FP8 products would be dominated by rounding; use a scheme with κ near 1 (stlkit universal --max-fp8-error E, search/universal-results/t4-fp8) or pass --allow-ill-conditioned`;
}
