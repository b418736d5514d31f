import { floatScheme, schemeFactors } from '../cp/convert.ts';
import { balance } from '../cp/problem.ts';
import type { Scheme } from '../scheme/index.ts';
import { fp8ErrorToKappa, fp8RoundingError, type Fp8Dtype } from '../stl/fp8.ts';
import { errorToKappa } from '../stl/lowprec.ts';
import { lowPrecisionMeta, type LowPrecisionMeta } from './condition.ts';
import { floatError, tileProblem } from './isotropic.ts';
import { universalSearch, type UniversalOptions, type UniversalResult } from './multistart.ts';
import { refine } from './refine.ts';

/**
 * Universal search under a bound on the predicted bf16 rounding error of the unfused STL kernel
 * (products stored in bf16): the default of `stlkit universal`, so that what it writes is usable
 * on a GPU in bf16 without further thought.
 *
 * The bound is stated as the simulated error (lowPrecisionMeta: 256², seeds 1–3; what `stlkit error
 * --dtype bf16` prints as "bf16 unfused"). The search itself bounds κ by the model σ·√(3κ² + 1)
 * ≤ maxError, and the winner sits on that boundary; the simulation runs up to about 1 % above the
 * model (docs/conditioning.md), so a winner whose simulated error is over the bound is refined once
 * more under κ scaled down by the ratio, at most three times.
 */
export const DEFAULT_MAX_BF16_ERROR = 0.02;

export interface BoundedResult {
  res: UniversalResult;
  /** The κ bound of the search: the model's σ·√(3κ² + 1) = maxError. */
  modelKappa: number;
  /** The κ bound the result satisfies (modelKappa, or the last tightened one). */
  maxKappa: number;
  low: LowPrecisionMeta;
  /** The extra refinements: their κ bound and the simulated error that called for it (empty when the search result held). */
  tightened: { maxKappa: number; before: number }[];
  /** The simulated error the bound is stated in (bf16 unfused, or FP8 products). */
  simulated: number;
}

const BF16_UNFUSED = { dtype: 'bf16', storeProducts: true } as const;

/** The κ bound equivalent to a predicted unfused bf16 error (0 when even κ = 0 would not do). */
export const kappaForBf16Error = (maxError: number): number => errorToKappa(maxError, BF16_UNFUSED);

export function universalSearchWithinBf16Error(opts: Omit<UniversalOptions, 'maxKappa'>, maxError: number): BoundedResult {
  return searchWithinError(opts, maxError, kappaForBf16Error(maxError), (s) => lowPrecisionMeta(s).bf16Unfused);
}

/**
 * The FP8 bound (`stlkit universal --max-fp8-error`): the predicted error of the STL operator with
 * its products in FP8 (src/stl/fp8.ts: per-product scales, bf16 products; 256², seeds 1–3), the
 * search bounded by the model's κ, the result checked and tightened as for bf16.
 */
export const FP8_BOUND = { dtype: 'fp8-e4m3', scaling: 'product' } as const;

export const kappaForFp8Error = (maxError: number, dtype: Fp8Dtype = FP8_BOUND.dtype): number => fp8ErrorToKappa(maxError, dtype);

export const simulatedFp8Error = (s: Scheme<unknown>): number => fp8RoundingError(s, FP8_BOUND).mean;

export function universalSearchWithinFp8Error(opts: Omit<UniversalOptions, 'maxKappa'>, maxError: number): BoundedResult {
  return searchWithinError(opts, maxError, kappaForFp8Error(maxError), simulatedFp8Error);
}

function searchWithinError(opts: Omit<UniversalOptions, 'maxKappa'>, maxError: number, modelKappa: number, simulate: (s: Scheme<unknown>) => number): BoundedResult {
  let maxKappa = modelKappa;
  const res = universalSearch({ ...opts, maxKappa });
  let low = lowPrecisionMeta(res.best.scheme as Scheme<unknown>);
  let simulated = simulate(res.best.scheme as Scheme<unknown>);
  const tightened: { maxKappa: number; before: number }[] = [];
  for (let k = 0; k < 3 && simulated > maxError; k++) {
    maxKappa = Math.min(maxKappa, low.kappa) * (maxError / simulated) * 0.999;
    const P = tileProblem(opts.t, opts.r);
    const F = schemeFactors(res.best.scheme as Scheme<unknown>);
    const ref = refine(P, F, { maxKappa, ...(opts.maxCoef !== undefined ? { maxCoef: opts.maxCoef } : {}) });
    if (!ref.acceptable) break;
    balance(P, F);
    tightened.push({ maxKappa, before: simulated });
    const error = floatError(P, F);
    const how = `${res.best.how}; refined again under κ ≤ ${maxKappa.toPrecision(4)}`;
    const meta = { ...res.best.scheme.meta, source: `${String(res.best.scheme.meta.source ?? '')}; refined under κ ≤ ${maxKappa.toPrecision(4)}`, isotropicError: error };
    res.best = { ...res.best, error, exact: null, how, scheme: floatScheme([opts.t, opts.t, opts.t], F, meta) };
    low = lowPrecisionMeta(res.best.scheme as Scheme<unknown>);
    simulated = simulate(res.best.scheme as Scheme<unknown>);
  }
  return { res, modelKappa, maxKappa, low, tightened, simulated };
}
