import { cholesky, cholSolve, gramRows } from './linalg.ts';
import type { Factors } from './factors.ts';
import { residual, type CpProblem } from './problem.ts';

/**
 * Levenberg–Marquardt (damped Gauss–Newton) on all of U, V, W jointly, minimising
 * ½‖T̂ − T‖² + ½λ‖x‖² over the free coordinates x. JᵀJ has closed-form blocks, e.g.
 *   (U,l,α)·(U,l',α') = δ_αα' (VVᵀ∘WWᵀ)_ll',   (U,l,α)·(V,l',β) = V[l,β]·U[l',α]·(WWᵀ)_ll',
 * so it is built from three r×r Gram matrices without forming J. Damping also regularises the
 * 2r-dimensional scaling null space of JᵀJ. Coordinates with frozen[i] = 1 stay put (this is how
 * sparsification pins coefficients).
 */
export interface LmOptions {
  maxIters?: number;
  /** Norm penalty λ (fights divergence to border rank); multiplied by lambdaDecay every iteration. */
  lambda?: number;
  lambdaDecay?: number;
  /** Below this λ becomes 0, so the iteration can reach an exact solution. */
  lambdaMin?: number;
  /** Stop when ‖T̂ − T‖² < tol. */
  tol?: number;
  /** 1 = keep this coordinate fixed; index order U, V, W as stored. */
  frozen?: Uint8Array;
  /** Initial damping μ relative to the largest diagonal entry of JᵀJ (default 1e-3). */
  mu0?: number;
  /** Give up when the damping grows past this (no descent direction left). */
  maxMu?: number;
  /**
   * Stop when the cost has not fallen below stallFactor × its value stallWindow iterations ago
   * (checked only while λ is constant: 0, or lambdaDecay = 1). Near an exact solution Gauss–Newton
   * converges quadratically, so a slow decrease means a swamp or a drift to border rank.
   */
  stallFactor?: number;
  stallWindow?: number;
  /** performance.now() after which to stop (time limits of the caller). */
  deadline?: number;
  /** Called after every iteration with the residual ‖T̂ − T‖²; returning true stops the run. */
  onIter?: (iter: number, residual: number) => boolean | void;
}

export interface LmResult {
  residual: number;
  iters: number;
}

export function lmRun(P: CpProblem, F: Factors, opts: LmOptions = {}): LmResult {
  const { a, b, c, r } = P;
  const N = r * (a + b + c), offV = r * a, offW = r * (a + b);
  const maxIters = opts.maxIters ?? 200, tol = opts.tol ?? 1e-26, maxMu = opts.maxMu ?? 1e10;
  const decay = opts.lambdaDecay ?? 0.7, lmin = opts.lambdaMin ?? 1e-12;
  const stallFactor = opts.stallFactor ?? 0.9, stallWindow = opts.stallWindow ?? 0;
  let lambda = opts.lambda ?? 0;
  const free: number[] = [];
  for (let i = 0; i < N; i++) if (!opts.frozen || !opts.frozen[i]) free.push(i);
  const nf = free.length;
  const x = new Float64Array(N);
  const pack = () => { x.set(F.U, 0); x.set(F.V, offV); x.set(F.W, offW); };
  const unpack = (y: Float64Array) => { F.U.set(y.subarray(0, offV)); F.V.set(y.subarray(offV, offW)); F.W.set(y.subarray(offW)); };
  pack();
  const e = new Float64Array(a * b * c);
  const H = new Float64Array(N * N), Hf = new Float64Array(nf * nf);
  const g = new Float64Array(N), step = new Float64Array(nf), xNew = new Float64Array(N);
  const GU = new Float64Array(r * r), GV = new Float64Array(r * r), GW = new Float64Array(r * r);
  const penalty = (y: Float64Array) => {
    let s = 0;
    for (const i of free) s += y[i] * y[i];
    return s;
  };
  let res = residual(P, F, e);
  let cost = 0.5 * (res + lambda * penalty(x));
  let mu = -1, nu = 2, it = 0;
  const history: number[] = [];
  if (nf === 0) return { residual: res, iters: 0 };
  const deadline = opts.deadline ?? Infinity;
  for (; it < maxIters && res > tol; it++) {
    if (performance.now() > deadline) break;
    gradient(P, F, e, g);
    normalMatrix(P, F, GU, GV, GW, H);
    for (let s = 0; s < nf; s++) {
      const row = free[s] * N;
      for (let t = 0; t < nf; t++) Hf[s * nf + t] = H[row + free[t]];
    }
    if (mu < 0) {
      let m = 0;
      for (let s = 0; s < nf; s++) m = Math.max(m, Hf[s * nf + s]);
      mu = (opts.mu0 ?? 1e-3) * m;
    }
    for (let s = 0; s < nf; s++) Hf[s * nf + s] += lambda + mu;
    for (let s = 0; s < nf; s++) step[s] = -(g[free[s]] + lambda * x[free[s]]);
    const ok = cholesky(Hf, nf);
    if (ok) cholSolve(Hf, nf, step);
    let accepted = false;
    if (ok) {
      xNew.set(x);
      for (let s = 0; s < nf; s++) xNew[free[s]] += step[s];
      unpack(xNew);
      const resNew = residual(P, F, e);
      const costNew = 0.5 * (resNew + lambda * penalty(xNew));
      // Predicted decrease of the damped model: ½·δᵀ(μδ − g).
      let pred = 0;
      for (let s = 0; s < nf; s++) pred += step[s] * (mu * step[s] - g[free[s]] - lambda * x[free[s]]);
      pred *= 0.5;
      const rho = (cost - costNew) / Math.max(pred, 1e-300);
      if (Number.isFinite(costNew) && costNew < cost) {
        accepted = true;
        x.set(xNew);
        res = resNew;
        mu *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
        nu = 2;
      }
    }
    if (!accepted) {
      unpack(x);
      res = residual(P, F, e);
      mu *= nu;
      nu *= 2;
      if (mu > maxMu) break;
    }
    // λ decays every iteration: at a minimiser of the penalised cost no step is accepted, and the
    // iteration must still be able to leave it as the penalty fades.
    lambda = lambda * decay < lmin ? 0 : lambda * decay;
    cost = 0.5 * (res + lambda * penalty(x));
    if (opts.onIter?.(it, res)) {
      it++;
      break;
    }
    if (stallWindow > 0) {
      history.push(cost);
      if ((lambda === 0 || decay === 1) && history.length > stallWindow && cost > stallFactor * history[history.length - 1 - stallWindow]) break;
    }
  }
  unpack(x);
  res = residual(P, F, e);
  return { residual: res, iters: it };
}

/** g = Jᵀe from the dense residual e (kept dense: near a solution e is tiny and must not cancel). */
export function gradient(P: CpProblem, F: Factors, e: Float64Array, g: Float64Array): void {
  const { a, b, c, r } = P;
  const { U, V, W } = F;
  const offV = r * a, offW = r * (a + b);
  g.fill(0);
  for (let al = 0; al < a; al++) {
    for (let be = 0; be < b; be++) {
      const base = (al * b + be) * c;
      for (let l = 0; l < r; l++) {
        let s = 0;
        for (let ga = 0; ga < c; ga++) s += e[base + ga] * W[l * c + ga];
        const u = U[l * a + al], v = V[l * b + be];
        g[l * a + al] += v * s;
        g[offV + l * b + be] += u * s;
        const uv = u * v;
        if (uv !== 0) for (let ga = 0; ga < c; ga++) g[offW + l * c + ga] += uv * e[base + ga];
      }
    }
  }
}

/** JᵀJ (N×N, N = r(a+b+c)) from the Gram matrices of U, V, W. */
export function normalMatrix(P: CpProblem, F: Factors, GU: Float64Array, GV: Float64Array, GW: Float64Array, H: Float64Array): void {
  const { a, b, c, r } = P;
  const { U, V, W } = F;
  const N = r * (a + b + c), oV = r * a, oW = r * (a + b);
  gramRows(U, r, a, GU);
  gramRows(V, r, b, GV);
  gramRows(W, r, c, GW);
  H.fill(0);
  for (let l = 0; l < r; l++) {
    for (let k = 0; k < r; k++) {
      const uu = GU[l * r + k], vv = GV[l * r + k], ww = GW[l * r + k];
      // Diagonal blocks: δ on the coordinate, Hadamard product of the other two Gram matrices.
      for (let al = 0; al < a; al++) H[(l * a + al) * N + k * a + al] = vv * ww;
      for (let be = 0; be < b; be++) H[(oV + l * b + be) * N + oV + k * b + be] = uu * ww;
      for (let ga = 0; ga < c; ga++) H[(oW + l * c + ga) * N + oW + k * c + ga] = uu * vv;
      // Off-diagonal blocks (and their transposes).
      for (let al = 0; al < a; al++) {
        const ukal = U[k * a + al];
        const rowU = (l * a + al) * N;
        for (let be = 0; be < b; be++) {
          const val = V[l * b + be] * ukal * ww;
          H[rowU + oV + k * b + be] = val;
          H[(oV + k * b + be) * N + l * a + al] = val;
        }
        for (let ga = 0; ga < c; ga++) {
          const val = W[l * c + ga] * ukal * vv;
          H[rowU + oW + k * c + ga] = val;
          H[(oW + k * c + ga) * N + l * a + al] = val;
        }
      }
      for (let be = 0; be < b; be++) {
        const vkb = V[k * b + be];
        const rowV = (oV + l * b + be) * N;
        for (let ga = 0; ga < c; ga++) {
          const val = W[l * c + ga] * vkb * uu;
          H[rowV + oW + k * c + ga] = val;
          H[(oW + k * c + ga) * N + oV + l * b + be] = val;
        }
      }
    }
  }
}
