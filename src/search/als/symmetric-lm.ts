import { cholesky, cholSolve } from '../../cp/linalg.ts';

/**
 * Cyclic-invariant decompositions of <n,n,n> over R, in trace form (T = Σ E_ij ⊗ E_jk ⊗ E_ki,
 * factors n×n matrices as q = n² coordinates, bit/index i*n+j ↔ [i][j]):
 *   T ≈ Σ_l (x_l + τx_l + τ²x_l) + Σ_j d_j⊗d_j⊗d_j,   x_l = (a_l, b_l, c_l), τ(a, b, c) = (b, c, a).
 * Parameters are tied along orbits: x = [a_0, b_0, c_0, …, a_{k−1}, b_{k−1}, c_{k−1}, d_0, …, d_{f−1}].
 *
 * Both sides are invariant under the cyclic shift of cells (p, r, t) → (r, t, p), so the residual
 * is too: it is evaluated on one cell per cell orbit, weighted by √(orbit size), which cuts the
 * rows of the Jacobian by three. A row has at most 9k + 3f nonzeros, so JᵀJ is accumulated from
 * sparse rows.
 */
export interface SymProblem {
  n: number;
  q: number;
  /** Orbits and fixed terms. */
  k: number;
  f: number;
  /** Unknowns: q·(3k + f). */
  N: number;
  /** Representative cells (p, r, t) of the cell orbits, flat. */
  cells: Int32Array;
  /** √(orbit size) per representative cell: 1 for p = r = t, else √3. */
  weight: Float64Array;
  /** T at each representative cell (0 or 1). */
  target: Float64Array;
  /** ‖T‖² = n³. */
  tSq: number;
}

export function symProblem(n: number, k: number, f: number): SymProblem {
  const q = n * n;
  const isT = (p: number, r: number, t: number) => {
    // (E_ij, E_jk, E_ki): the column of the first is the row of the second, and so on around.
    const [i, j] = [Math.floor(p / n), p % n], [j2, kk] = [Math.floor(r / n), r % n], [k2, i2] = [Math.floor(t / n), t % n];
    return j === j2 && kk === k2 && i2 === i ? 1 : 0;
  };
  const cells: number[] = [], weight: number[] = [], target: number[] = [];
  const key = (p: number, r: number, t: number) => (p * q + r) * q + t;
  for (let p = 0; p < q; p++) for (let r = 0; r < q; r++) for (let t = 0; t < q; t++) {
    const kk = key(p, r, t);
    if (kk > key(r, t, p) || kk > key(t, p, r)) continue;
    cells.push(p, r, t);
    weight.push(p === r && r === t ? 1 : Math.sqrt(3));
    target.push(isT(p, r, t));
  }
  return { n, q, k, f, N: q * (3 * k + f), cells: Int32Array.from(cells), weight: Float64Array.from(weight), target: Float64Array.from(target), tSq: n ** 3 };
}

/** T̂ at cell (p, r, t). */
function value(P: SymProblem, x: Float64Array, p: number, r: number, t: number): number {
  const { q, k, f } = P;
  let s = 0;
  for (let l = 0; l < k; l++) {
    const a = 3 * l * q, b = a + q, c = b + q;
    s += x[a + p] * x[b + r] * x[c + t] + x[b + p] * x[c + r] * x[a + t] + x[c + p] * x[a + r] * x[b + t];
  }
  const d0 = 3 * k * q;
  for (let j = 0; j < f; j++) {
    const d = d0 + j * q;
    s += x[d + p] * x[d + r] * x[d + t];
  }
  return s;
}

/** e = weighted (T̂ − T) on the representative cells; returns ‖T̂ − T‖² over all cells. */
export function symResidual(P: SymProblem, x: Float64Array, e: Float64Array): number {
  const { cells, weight, target } = P;
  let s = 0;
  for (let i = 0; i < target.length; i++) {
    e[i] = weight[i] * (value(P, x, cells[3 * i], cells[3 * i + 1], cells[3 * i + 2]) - target[i]);
    s += e[i] * e[i];
  }
  return s;
}

/** H = JᵀJ (N×N) and g = Jᵀe from sparse rows of the Jacobian. */
export function symNormal(P: SymProblem, x: Float64Array, e: Float64Array, H: Float64Array, g: Float64Array): void {
  const { q, k, f, N, cells, weight } = P;
  const row = new Float64Array(N), idx: number[] = [];
  const add = (i: number, v: number) => {
    if (row[i] === 0) idx.push(i);
    row[i] += v;
  };
  H.fill(0);
  g.fill(0);
  for (let i = 0; i < weight.length; i++) {
    const p = cells[3 * i], r = cells[3 * i + 1], t = cells[3 * i + 2], w = weight[i];
    idx.length = 0;
    for (let l = 0; l < k; l++) {
      const a = 3 * l * q, b = a + q, c = b + q;
      // a_p b_r c_t + b_p c_r a_t + c_p a_r b_t, differentiated factor by factor.
      add(a + p, w * x[b + r] * x[c + t]); add(b + r, w * x[a + p] * x[c + t]); add(c + t, w * x[a + p] * x[b + r]);
      add(b + p, w * x[c + r] * x[a + t]); add(c + r, w * x[b + p] * x[a + t]); add(a + t, w * x[b + p] * x[c + r]);
      add(c + p, w * x[a + r] * x[b + t]); add(a + r, w * x[c + p] * x[b + t]); add(b + t, w * x[c + p] * x[a + r]);
    }
    for (let j = 0; j < f; j++) {
      const d = 3 * k * q + j * q;
      add(d + p, w * x[d + r] * x[d + t]); add(d + r, w * x[d + p] * x[d + t]); add(d + t, w * x[d + p] * x[d + r]);
    }
    const ei = e[i];
    for (const u of idx) {
      const ru = row[u];
      if (ru === 0) continue;
      g[u] += ru * ei;
      const hu = u * N;
      for (const v of idx) H[hu + v] += ru * row[v];
    }
    for (const u of idx) row[u] = 0;
  }
}

export interface SymLmOptions {
  maxIters?: number;
  /** Norm penalty λ‖x‖², multiplied by lambdaDecay per iteration and 0 below lambdaMin. */
  lambda?: number;
  lambdaDecay?: number;
  lambdaMin?: number;
  tol?: number;
  frozen?: Uint8Array;
  /** Stop when the cost is above stallFactor × its value stallWindow iterations ago (λ constant). */
  stallWindow?: number;
  stallFactor?: number;
  deadline?: number;
  /** Returning true stops the run. */
  onIter?: (iter: number, residual: number) => boolean | void;
}

/** Levenberg–Marquardt on the free coordinates of x, in place (as lmRun in lm.ts). */
export function symLm(P: SymProblem, x: Float64Array, opts: SymLmOptions = {}): { residual: number; iters: number } {
  const N = P.N, maxIters = opts.maxIters ?? 200, tol = opts.tol ?? 1e-26;
  const decay = opts.lambdaDecay ?? 0.7, lmin = opts.lambdaMin ?? 1e-12;
  const stallWindow = opts.stallWindow ?? 0, stallFactor = opts.stallFactor ?? 0.9, deadline = opts.deadline ?? Infinity;
  let lambda = opts.lambda ?? 0;
  const free: number[] = [];
  for (let i = 0; i < N; i++) if (!opts.frozen?.[i]) free.push(i);
  const nf = free.length;
  const e = new Float64Array(P.target.length), H = new Float64Array(N * N), g = new Float64Array(N);
  const Hf = new Float64Array(nf * nf), step = new Float64Array(nf), xNew = new Float64Array(N);
  const penalty = (y: Float64Array) => free.reduce((s, i) => s + y[i] * y[i], 0);
  let res = symResidual(P, x, e), cost = 0.5 * (res + lambda * penalty(x));
  let mu = -1, nu = 2, it = 0;
  const history: number[] = [];
  if (nf === 0) return { residual: res, iters: 0 };
  for (; it < maxIters && res > tol && performance.now() < deadline; it++) {
    symNormal(P, x, e, H, g);
    for (let s = 0; s < nf; s++) for (let t = 0; t < nf; t++) Hf[s * nf + t] = H[free[s] * N + free[t]];
    if (mu < 0) {
      let m = 0;
      for (let s = 0; s < nf; s++) m = Math.max(m, Hf[s * nf + s]);
      mu = 1e-3 * (m || 1);
    }
    for (let s = 0; s < nf; s++) {
      Hf[s * nf + s] += lambda + mu;
      step[s] = -(g[free[s]] + lambda * x[free[s]]);
    }
    let accepted = false;
    if (cholesky(Hf, nf)) {
      cholSolve(Hf, nf, step);
      xNew.set(x);
      for (let s = 0; s < nf; s++) xNew[free[s]] += step[s];
      const resNew = symResidual(P, xNew, e), costNew = 0.5 * (resNew + lambda * penalty(xNew));
      let pred = 0;
      for (let s = 0; s < nf; s++) pred += step[s] * (mu * step[s] - g[free[s]] - lambda * x[free[s]]);
      const rho = (cost - costNew) / Math.max(0.5 * pred, 1e-300);
      if (Number.isFinite(costNew) && costNew < cost) {
        accepted = true;
        x.set(xNew);
        res = resNew;
        mu *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
        nu = 2;
      }
    }
    if (!accepted) {
      res = symResidual(P, x, e);
      mu *= nu;
      nu *= 2;
      if (mu > 1e10) break;
    }
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
  res = symResidual(P, x, e);
  return { residual: res, iters: it };
}
