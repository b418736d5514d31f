import { alsHalfStep, alsWork, scaledRidge } from '../cp/als.ts';
import { copyFactors, copyFactorsInto, extrapolate, type Factors } from '../cp/factors.ts';
import { balance, type CpProblem } from '../cp/problem.ts';
import type { Scheme } from '../scheme/index.ts';
import { kappa, kappaOfFactors, predictedRoundingError, productWeights } from '../stl/lowprec.ts';
import { floatError, gramError } from './isotropic.ts';

/**
 * Conditioned refinement: rank-r approximations whose STL operator is accurate in low precision.
 *
 * The rounding error of the bf16/fp16 kernels is ≈ σ·√(k·κ² + 1) (src/stl/lowprec.ts) with
 *     κ² = Σ_l ‖u_l‖²‖v_l‖²‖w_l‖² / ‖T̂‖²,
 * large when big products cancel. The objective here is
 *     f = ‖T − T̂‖² + μ·Σ_l ‖u_l‖²‖v_l‖²‖w_l‖².
 * With V, W fixed the penalty is a ridge on u_l with weight μ‖v_l‖²‖w_l‖², which is μ times the
 * diagonal of the ALS normal matrix (VVᵀ)∘(WWᵀ): each half-step solves (G + μ·diag G)x = m, as
 * cheap as plain ALS, and minimises f exactly in its mode (cp/als.ts, scaledRidge). The penalty is invariant under rescaling
 * a product's factors (so is κ), hence balancing never changes f.
 *
 * With a bound κ ≤ K, μ adapts like the λ of the coefficient bound in refine.ts: it grows while the
 * bound is broken and decays while it holds, so the iterates hover at the boundary, where the
 * constrained optimum lies; the best point (by isotropic error) that satisfies the bound is kept.
 */
export interface ConditionOptions {
  maxSweeps?: number;
  deadline?: number;
  /** Accept only points with κ ≤ this. */
  maxKappa: number;
  /** Also accept only points whose balanced largest |coefficient| is ≤ this (see refine.ts). */
  maxCoef?: number;
  /** Initial penalty weight μ (relative: f's two terms are both tensor norms²). */
  mu?: number;
  /** Initial uniform ridge λ (decays by 0.9 per sweep; with maxCoef it adapts as in refine.ts). */
  lambda?: number;
  stall?: number;
  window?: number;
  abortAbove?: { sweep: number; error: number };
  /** Returns the balanced largest |coefficient| (refine.ts passes balancedMaxAbs; avoids an import cycle). */
  coefOf?: (P: CpProblem, F: Factors) => number;
}

export interface ConditionResult {
  error: number;
  kappa: number;
  sweeps: number;
  /** False when no point within the bounds was found (F is then the start). */
  acceptable: boolean;
  /** μ at the end (the multiplier the bound settled on). */
  mu: number;
}

/** κ of float factors of a CpProblem. */
export function factorKappa(P: CpProblem, F: Factors): number {
  return kappaOfFactors(F, P.r, P.a, P.b, P.c);
}

/** Σ_l ‖u_l‖²‖v_l‖²‖w_l‖² / ‖T‖² (the penalty term of f, relative to ‖T‖² like the error). */
export function conditionPenalty(P: CpProblem, F: Factors): number {
  let s = 0;
  for (const x of productWeights(F, P.r, P.a, P.b, P.c)) s += x;
  return s / P.tSq;
}

/**
 * ALS on f with μ adapted to the bound κ ≤ maxKappa (and the coefficient bound, when given),
 * extrapolation accepted when it lowers f. Returns the best point within the bounds by isotropic
 * error, balanced; never worse than an acceptable start.
 */
export function refineConditioned(P: CpProblem, F: Factors, opts: ConditionOptions): ConditionResult {
  const maxSweeps = opts.maxSweeps ?? 3000, deadline = opts.deadline ?? Infinity;
  const stall = opts.stall ?? 1e-7, window = opts.window ?? 60;
  const K = opts.maxKappa, maxCoef = opts.maxCoef ?? Infinity;
  const coefOf = opts.coefOf;
  const coefOk = (G: Factors) => maxCoef === Infinity || !coefOf || coefOf(P, G) <= maxCoef;
  let mu = opts.mu ?? 1e-3, lambda = opts.lambda ?? 1e-3;
  const start = copyFactors(F);
  const startErr = floatError(P, F);
  const startKappa = factorKappa(P, F);
  const startOk = startKappa <= K && coefOk(F);
  const w = alsWork(P);
  const obj = (G: Factors) => gramError(P, G) + mu * conditionPenalty(P, G);
  let best = copyFactors(F), bestErr = startOk ? gramError(P, F) : Infinity;
  const prev = copyFactors(F);
  const history: number[] = [];
  let it = 0;
  for (; it < maxSweeps; it++) {
    if ((it & 7) === 7 && performance.now() > deadline) break;
    copyFactorsInto(prev, F);
    // X ← argmin ‖T − [[U,V,W]]‖² + μ Σ_l ‖x_l‖²‖y_l‖²‖z_l‖² + λ‖X‖² in each mode.
    const reg = scaledRidge(mu, lambda);
    for (const mode of [0, 1, 2] as const) alsHalfStep(P, F, mode, reg, w);
    if (it % 10 === 9) balance(P, F);
    if (it >= 2) extrapolate(prev, F, it, obj);
    const cur = gramError(P, F);
    if (!Number.isFinite(cur)) break;
    const k = factorKappa(P, F), cOk = coefOk(F);
    const ok = k <= K && cOk;
    // μ: up fast while κ is over the bound, down slowly while it holds (the optimum is on the boundary).
    mu = k > K ? Math.min(1e3, Math.max(1.3 * mu, 1e-6)) : mu * 0.97;
    if (maxCoef !== Infinity) lambda = cOk ? lambda * 0.9 : Math.min(1, Math.max(2 * lambda, 1e-6));
    else lambda = lambda * 0.9 < 1e-12 ? 0 : lambda * 0.9;
    if (ok && cur < bestErr) {
      bestErr = cur;
      copyFactorsInto(best, F);
    }
    if (it >= 200) history.push(bestErr);
    if (history.length > window && history[history.length - 1 - window] - bestErr < stall * Math.max(bestErr, 1e-12)) break;
    if (bestErr < 1e-28) break;
    if (opts.abortAbove && it === opts.abortAbove.sweep && bestErr > opts.abortAbove.error) break;
  }
  copyFactorsInto(F, best);
  balance(P, F);
  let error = floatError(P, F);
  const acceptable = bestErr < Infinity;
  if (!acceptable || (startOk && !(error <= startErr))) {
    copyFactorsInto(F, start);
    error = startErr;
  }
  return { error, kappa: factorKappa(P, F), sweeps: it, acceptable: acceptable || startOk, mu };
}

/** What conditioned results record in their meta and summaries: κ and the simulated rounding errors (256², seeds 1–3). */
export interface LowPrecisionMeta {
  kappa: number;
  bf16Fused: number;
  bf16Unfused: number;
  fp16Fused: number;
  fp16Unfused: number;
}

export function lowPrecisionMeta(s: Scheme<unknown>): LowPrecisionMeta {
  const sim = (dtype: 'bf16' | 'fp16', storeProducts: boolean) => predictedRoundingError(s, { dtype, storeProducts }).mean;
  return { kappa: kappa(s), bf16Fused: sim('bf16', false), bf16Unfused: sim('bf16', true), fp16Fused: sim('fp16', false), fp16Unfused: sim('fp16', true) };
}
