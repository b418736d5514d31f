import { alsHalfStep, alsWork, ridge } from '../cp/als.ts';
import { copyFactors, copyFactorsInto, extrapolate, type Factors } from '../cp/factors.ts';
import { lmRun } from '../cp/lm.ts';
import { balance, type CpProblem } from '../cp/problem.ts';
import { refineConditioned } from './condition.ts';
import { floatError, gramError } from './isotropic.ts';

/**
 * Local refinement of a rank-r approximation: ALS sweeps with a fading norm penalty and Bro's
 * line-search extrapolation, then (for small problems) Levenberg–Marquardt polishing.
 *
 * Why these pieces: plain ALS on an approximation problem crawls through long "swamps"; stepping
 * along the last sweep's direction by s = k^(1/3) (accepted only when it lowers the error) cuts the
 * sweeps needed several-fold. The penalty λ‖x‖² (decaying to 0) keeps the first sweeps from
 * diverging towards border-rank points. LM (quadratic convergence at the end) costs a dense
 * Cholesky of size r·3t², so it runs only while that stays small.
 *
 * The error compared inside is the Gram-formula error (cheap); the best point seen is kept, so
 * the result is never worse than the start: e(out) ≤ e(in), checked once more densely at the end.
 */
export interface RefineOptions {
  maxSweeps?: number;
  /** performance.now() past which to stop. */
  deadline?: number;
  /** Initial norm penalty (absolute, on the normal matrices); 0 for none. */
  lambda?: number;
  lambdaDecay?: number;
  /** Stop when the error fell by less than this (relative) over `window` sweeps. */
  stall?: number;
  window?: number;
  /** LM polishing when r·3t² ≤ this (0: never). */
  polishMaxN?: number;
  polishIters?: number;
  /** Give up early on a start that is clearly heading elsewhere: after `sweep` sweeps, stop if the error is above `error`. */
  abortAbove?: { sweep: number; error: number };
  /**
   * Accept only points whose largest |coefficient| after balancing (balancedMaxAbs) is ≤ this: the
   * penalty λ then adapts (doubles while the bound is broken, decays while it holds) instead of
   * fading to 0, LM polishing is skipped, and the point returned is balanced.
   */
  maxCoef?: number;
  /**
   * Accept only points whose conditioning κ (src/stl/lowprec.ts: the bf16 rounding amplification)
   * is ≤ this: refinement then runs on ‖T − T̂‖² + μ·Σ_l ‖u_l‖²‖v_l‖²‖w_l‖² with μ adapted to the
   * bound (condition.ts), LM polishing is skipped, and the point returned is balanced.
   */
  maxKappa?: number;
}

export interface RefineResult {
  error: number;
  sweeps: number;
  lmIters: number;
  /** False when maxCoef is set and no point within it was found (F is then the start). */
  acceptable: boolean;
}

/** Largest |coefficient| once each product's three factors have equal norms (see balance). */
export function balancedMaxAbs(P: CpProblem, F: Factors): number {
  const { a, b, c, r } = P;
  let m = 0;
  const row = (X: Float64Array, d: number, l: number) => {
    let n2 = 0, mx = 0;
    for (let x = 0; x < d; x++) (n2 += X[l * d + x] ** 2), (mx = Math.max(mx, Math.abs(X[l * d + x])));
    return [Math.sqrt(n2), mx];
  };
  for (let l = 0; l < r; l++) {
    const [nu, mu] = row(F.U, a, l), [nv, mv] = row(F.V, b, l), [nw, mw] = row(F.W, c, l);
    if (nu === 0 || nv === 0 || nw === 0) continue;
    const g = Math.cbrt(nu * nv * nw);
    m = Math.max(m, (mu * g) / nu, (mv * g) / nv, (mw * g) / nw);
  }
  return m;
}

export function refine(P: CpProblem, F: Factors, opts: RefineOptions = {}): RefineResult {
  if (opts.maxKappa !== undefined) {
    const res = refineConditioned(P, F, {
      maxKappa: opts.maxKappa, maxCoef: opts.maxCoef, coefOf: balancedMaxAbs, maxSweeps: opts.maxSweeps, deadline: opts.deadline,
      stall: opts.stall, window: opts.window, abortAbove: opts.abortAbove, ...(opts.lambda !== undefined ? { lambda: opts.lambda } : {}),
    });
    return { error: res.error, sweeps: res.sweeps, lmIters: 0, acceptable: res.acceptable };
  }
  const maxSweeps = opts.maxSweeps ?? 3000, deadline = opts.deadline ?? Infinity;
  const decay = opts.lambdaDecay ?? 0.9, stall = opts.stall ?? 1e-7, window = opts.window ?? 60;
  let lambda = opts.lambda ?? 1e-3;
  const maxCoef = opts.maxCoef ?? Infinity, bounded = opts.maxCoef !== undefined;
  const ok = (G: Factors) => !bounded || balancedMaxAbs(P, G) <= maxCoef;
  const start = copyFactors(F);
  const startErr = floatError(P, F), startOk = ok(F);
  const w = alsWork(P);
  let best = copyFactors(F), bestErr = startOk ? gramError(P, F) : Infinity;
  let prev = copyFactors(F), cur = gramError(P, F);
  const history: number[] = [];
  let it = 0;
  for (; it < maxSweeps; it++) {
    if ((it & 7) === 7 && performance.now() > deadline) break;
    copyFactorsInto(prev, F);
    const reg = ridge(lambda, 0);
    for (const mode of [0, 1, 2] as const) alsHalfStep(P, F, mode, reg, w);
    if (bounded) lambda = ok(F) ? lambda * decay : Math.min(1, Math.max(2 * lambda, 1e-6));
    else lambda = lambda * decay < 1e-12 ? 0 : lambda * decay;
    if (it % 10 === 9) balance(P, F);
    cur = gramError(P, F);
    if (it >= 2) cur = extrapolate(prev, F, it, (G) => gramError(P, G), cur);
    if (!Number.isFinite(cur)) break;
    if (cur < bestErr && ok(F)) {
      bestErr = cur;
      copyFactorsInto(best, F);
    }
    if (lambda === 0 || (bounded && it >= 200)) history.push(bestErr);
    if (history.length > window && history[history.length - 1 - window] - bestErr < stall * Math.max(bestErr, 1e-12)) break;
    if (bestErr < 1e-28) break;
    if (opts.abortAbove && it === opts.abortAbove.sweep && bestErr > opts.abortAbove.error) break;
  }
  copyFactorsInto(F, best);
  let lmIters = 0;
  const N = P.r * (P.a + P.b + P.c);
  if (!bounded && N <= (opts.polishMaxN ?? 300) && performance.now() < deadline) {
    const G = copyFactors(F);
    const res = lmRun(P, G, { maxIters: opts.polishIters ?? 40, lambda: 0, tol: 1e-26, deadline, stallWindow: 8, stallFactor: 1 - 1e-9 });
    lmIters = res.iters;
    if (res.residual / P.tSq < floatError(P, F)) copyFactorsInto(F, G);
  }
  if (bounded) balance(P, F);
  let error = floatError(P, F);
  const acceptable = bestErr < Infinity;
  // The Gram error is only a guide: never hand back a point worse than an acceptable start.
  if (!acceptable || (startOk && !(error <= startErr))) {
    copyFactorsInto(F, start);
    error = startErr;
  }
  return { error, sweeps: it, lmIters, acceptable: acceptable || startOk };
}
