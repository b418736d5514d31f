import { Rng } from '../util/rng.ts';
import { copyFactors, type Factors } from './factors.ts';
import { cholesky, cholSolve, gramRows } from './linalg.ts';
import { balance, matmulProblem, randomFactors, residual, type CpProblem } from './problem.ts';

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

export interface AlsResult extends Factors {
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

/** The two modes held fixed while `mode` is solved. */
const others = (mode: 0 | 1 | 2): [number, number] => (mode === 0 ? [1, 2] : mode === 1 ? [0, 2] : [0, 1]);

/**
 * M[l, x] = Σ_{T[α,β,γ]≠0} T·Y[l,·]·Z[l,·] for the mode being solved: the gradient's data term.
 * mode 0 solves U (keys α, partners V, W), 1 solves V, 2 solves W.
 */
export function mttkrp(P: CpProblem, F: Factors, mode: 0 | 1 | 2, M: Float64Array): void {
  const { r, idx, val } = P;
  const dims = [P.a, P.b, P.c];
  const X = [F.U, F.V, F.W];
  const [m1, m2] = others(mode);
  const d = dims[mode], d1 = dims[m1], d2 = dims[m2];
  const Y = X[m1], Z = X[m2];
  M.fill(0, 0, r * d);
  for (let e = 0; e < val.length; e++) {
    const k = idx[3 * e + mode], y = idx[3 * e + m1], z = idx[3 * e + m2], t = val[e];
    for (let l = 0; l < r; l++) M[l * d + k] += t * Y[l * d1 + y] * Z[l * d2 + z];
  }
}

/**
 * The penalty of a half-step's objective, as what it adds to the normal matrix G = (YYᵀ)∘(ZZᵀ) of
 * the mode being solved (Y, Z the two fixed factors). addDiagonal adds to the diagonal of G as
 * formed (nothing added yet); with jitter it also adds a tiny multiple of the mean diagonal, the
 * fallback when G is numerically singular (terms that collapsed). prox, when present, is the
 * weight μ of a proximal term μ‖X − X_prev‖², which also puts μ·X_prev on the right-hand side.
 */
export interface Regulariser {
  addDiagonal(G: Float64Array, r: number, jitter: boolean): void;
  readonly prox?: number;
}

/** The jitter for a singular r×r normal matrix of trace `trace`. */
const jitterOf = (trace: number, r: number) => 1e-12 * (1 + trace / r);

/** λ‖X‖² + μ‖X − X_prev‖² (plain ALS; μ = 0 for a plain ridge). The jitter scales with G alone. */
export function ridge(lambda: number, prox = 0): Regulariser {
  return {
    prox,
    addDiagonal(G, r, jitter) {
      const d = jitter ? lambda + prox + jitterOf(traceOf(G, r), r) : lambda + prox;
      for (let l = 0; l < r; l++) G[l * r + l] += d;
    },
  };
}

/**
 * μ·Σ_l G_ll‖x_l‖² + λ‖X‖², i.e. G + μ·diag G + λI. With G = (YYᵀ)∘(ZZᵀ) the first term is
 * μ·Σ_l ‖x_l‖²‖y_l‖²‖z_l‖², the conditioning penalty of universal/condition.ts, so the half-step
 * minimises it exactly in its mode. The jitter scales with the regularised matrix, whose diagonal
 * μ·diag G can dominate.
 */
export function scaledRidge(mu: number, lambda: number): Regulariser {
  return {
    addDiagonal(G, r, jitter) {
      let eps = 0;
      if (jitter) {
        let tr = 0;
        for (let l = 0; l < r; l++) tr += G[l * r + l] + (mu * G[l * r + l] + lambda);
        eps = jitterOf(tr, r);
      }
      for (let l = 0; l < r; l++) G[l * r + l] += mu * G[l * r + l] + lambda + eps;
    },
  };
}

/** G = (YYᵀ)∘(ZZᵀ) for the two factors other than `mode` (G2 is scratch): the half-step's normal matrix. */
export function modeGram(P: CpProblem, F: Factors, mode: 0 | 1 | 2, G: Float64Array, G2: Float64Array): void {
  const { r } = P;
  const dims = [P.a, P.b, P.c];
  const X = [F.U, F.V, F.W];
  const [m1, m2] = others(mode);
  gramRows(X[m1], r, dims[m1], G);
  gramRows(X[m2], r, dims[m2], G2);
  for (let i = 0; i < r * r; i++) G[i] *= G2[i];
}

/** One ALS half-step: X ← argmin ‖T − [[…]]‖² + penalty for the given mode; false if G stayed singular. */
export function alsHalfStep(P: CpProblem, F: Factors, mode: 0 | 1 | 2, reg: Regulariser, w: AlsWork): boolean {
  const { r } = P;
  modeGram(P, F, mode, w.G, w.G2);
  reg.addDiagonal(w.G, r, false);
  if (!cholesky(w.G, r)) {
    // Singular only when terms collapse; a tiny ridge keeps the step defined.
    modeGram(P, F, mode, w.G, w.G2);
    reg.addDiagonal(w.G, r, true);
    if (!cholesky(w.G, r)) return false;
  }
  mttkrp(P, F, mode, w.M);
  const d = [P.a, P.b, P.c][mode], Xm = [F.U, F.V, F.W][mode], prox = reg.prox;
  for (let k = 0; k < d; k++) {
    if (prox === undefined) for (let l = 0; l < r; l++) w.rhs[l] = w.M[l * d + k];
    else for (let l = 0; l < r; l++) w.rhs[l] = w.M[l * d + k] + prox * Xm[l * d + k];
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
    const reg = ridge(lambda, prox);
    for (const mode of [0, 1, 2] as const) alsHalfStep(P, F, mode, reg, w);
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
  const F = opts.init ? copyFactors(opts.init) : randomFactors(P, new Rng(opts.seed), opts.scale ?? 1);
  const { residual, iters } = alsSweeps(P, F, opts);
  return { ...F, residual, iters };
}
