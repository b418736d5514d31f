import { Rng } from '../../util/rng.ts';
import { cholesky, cholSolve, gramRows } from './linalg.ts';
import { balance, matmulProblem, randomFactors, residual, type CpProblem, type Factors } from './problem.ts';

/**
 * Alternating least squares for T ≈ Σ_l U[l]⊗V[l]⊗W[l]. With V, W fixed the problem in U splits
 * into one r-unknown least-squares problem per coordinate α, all sharing the r×r normal matrix
 * (VVᵀ)∘(WWᵀ): one Cholesky per half-step. The right-hand sides are a sparse MTTKRP over the nnz
 * entries of T (n·m·p for matrix multiplication), so a sweep costs O(r²(a+b+c) + r³ + r·nnz).
 *
 * Regularisation: λ‖X‖² pulls towards 0 (it fights the drift to border rank, where norms diverge);
 * the proximal term μ‖X − X_prev‖² limits each step (it damps the swamp oscillations).
 */
export interface AlsOptions {
  format: [number, number, number];
  rank: number;
  seed: number;
  maxIters?: number;
  /** Initial norm penalty λ; multiplied by lambdaDecay per sweep, set to 0 below lambdaMin. */
  lambda?: number;
  lambdaDecay?: number;
  lambdaMin?: number;
  /** Proximal weight μ (constant). */
  prox?: number;
  /** Stop once ‖T − T̂‖² falls below this. */
  tol?: number;
  /** Start here instead of a random point (copied). */
  init?: Factors;
  /** Scale of the random start relative to ‖T‖ (see randomFactors). */
  scale?: number;
  /** performance.now() after which to stop. */
  deadline?: number;
}

export interface AlsResult {
  U: Float64Array;
  V: Float64Array;
  W: Float64Array;
  /** ‖T − Σ u⊗v⊗w‖_F² (absolute, squared). */
  residual: number;
  iters: number;
}

export interface AlsWork {
  G: Float64Array;
  G2: Float64Array;
  M: Float64Array;
  rhs: Float64Array;
}

export function alsWork(P: CpProblem): AlsWork {
  const { r } = P;
  return { G: new Float64Array(r * r), G2: new Float64Array(r * r), M: new Float64Array(r * Math.max(P.a, P.b, P.c)), rhs: new Float64Array(r) };
}

/**
 * M[l, x] = Σ_{T[α,β,γ]≠0} T·Y[l,·]·Z[l,·] for the mode being solved: the gradient's data term.
 * mode 0 solves U (keys α, partners V, W), 1 solves V, 2 solves W.
 */
export function mttkrp(P: CpProblem, F: Factors, mode: 0 | 1 | 2, M: Float64Array): void {
  const { r, idx, val } = P;
  const dims = [P.a, P.b, P.c];
  const X = [F.U, F.V, F.W];
  const [m1, m2] = mode === 0 ? [1, 2] : mode === 1 ? [0, 2] : [0, 1];
  const d = dims[mode], d1 = dims[m1], d2 = dims[m2];
  const Y = X[m1], Z = X[m2];
  M.fill(0, 0, r * d);
  for (let e = 0; e < val.length; e++) {
    const k = idx[3 * e + mode], y = idx[3 * e + m1], z = idx[3 * e + m2], t = val[e];
    for (let l = 0; l < r; l++) M[l * d + k] += t * Y[l * d1 + y] * Z[l * d2 + z];
  }
}

/** One ALS half-step: X ← argmin ‖T − [[…]]‖² + λ‖X‖² + μ‖X − X_prev‖² for the given mode. */
export function alsHalfStep(P: CpProblem, F: Factors, mode: 0 | 1 | 2, lambda: number, prox: number, w: AlsWork): boolean {
  const { r } = P;
  const dims = [P.a, P.b, P.c];
  const X = [F.U, F.V, F.W];
  const [m1, m2] = mode === 0 ? [1, 2] : mode === 1 ? [0, 2] : [0, 1];
  gramRows(X[m1], r, dims[m1], w.G);
  gramRows(X[m2], r, dims[m2], w.G2);
  for (let i = 0; i < r * r; i++) w.G[i] *= w.G2[i];
  for (let l = 0; l < r; l++) w.G[l * r + l] += lambda + prox;
  if (!cholesky(w.G, r)) {
    // Singular only when terms collapse; a tiny ridge keeps the step defined.
    gramRows(X[m1], r, dims[m1], w.G);
    for (let i = 0; i < r * r; i++) w.G[i] *= w.G2[i];
    const ridge = lambda + prox + 1e-12 * (1 + traceOf(w.G, r) / r);
    for (let l = 0; l < r; l++) w.G[l * r + l] += ridge;
    if (!cholesky(w.G, r)) return false;
  }
  mttkrp(P, F, mode, w.M);
  const d = dims[mode], Xm = X[mode];
  for (let k = 0; k < d; k++) {
    for (let l = 0; l < r; l++) w.rhs[l] = w.M[l * d + k] + prox * Xm[l * d + k];
    cholSolve(w.G, r, w.rhs);
    for (let l = 0; l < r; l++) Xm[l * d + k] = w.rhs[l];
  }
  return true;
}

function traceOf(G: Float64Array, r: number): number {
  let s = 0;
  for (let l = 0; l < r; l++) s += G[l * r + l];
  return s;
}

/** Run regularised ALS sweeps (U, V, W) in place; returns sweeps done and the final residual. */
export function alsSweeps(P: CpProblem, F: Factors, opts: Omit<AlsOptions, 'format' | 'rank' | 'seed' | 'init' | 'scale'> = {}): { residual: number; iters: number } {
  const maxIters = opts.maxIters ?? 1000;
  const decay = opts.lambdaDecay ?? 0.99, lmin = opts.lambdaMin ?? 1e-9, prox = opts.prox ?? 0, tol = opts.tol ?? 1e-24;
  const deadline = opts.deadline ?? Infinity;
  let lambda = opts.lambda ?? 0;
  const w = alsWork(P), e = new Float64Array(P.a * P.b * P.c);
  let res = residual(P, F, e), it = 0;
  while (it < maxIters && res > tol) {
    for (const mode of [0, 1, 2] as const) alsHalfStep(P, F, mode, lambda, prox, w);
    lambda = lambda * decay < lmin ? 0 : lambda * decay;
    it++;
    // The residual costs about as much as a sweep, so it (and rebalancing) is done every 10th.
    if (it % 10 === 0 || it === maxIters) {
      balance(P, F);
      res = residual(P, F, e);
      if (performance.now() > deadline) break;
    }
  }
  return { residual: res, iters: it };
}

/** Regularised ALS from a seeded random start (or opts.init). */
export function alsRun(opts: AlsOptions): AlsResult {
  const P = matmulProblem(opts.format, opts.rank);
  const F = opts.init ? { U: opts.init.U.slice(), V: opts.init.V.slice(), W: opts.init.W.slice() } : randomFactors(P, new Rng(opts.seed), opts.scale ?? 1);
  const { residual, iters } = alsSweeps(P, F, opts);
  return { ...F, residual, iters };
}
