import { Rng } from '../util/rng.ts';

/**
 * Worst-case error of a scheme from its residual tensor R = T̂ − T (a×b×c, dense, index (α·b+β)·c+γ).
 *
 * What is bounded. R is the bilinear map R(x, y)_γ = Σ R[α,β,γ] x_α y_β, and for one tile pair,
 * STL(X, W) − XW = mat(R(vec X, vec W)). Its operator norm ‖R‖_op = sup ‖R(x,y)‖₂ / (‖x‖₂‖y‖₂)
 * equals the spectral norm sup R(x,y,z) over unit x, y, z, and each flattening bounds it:
 * R(x,y,z) = xᵀ R_(1) (y⊗z) ≤ σ₁(R_(1)) ‖x‖‖y⊗z‖ = σ₁(R_(1)) (the same for modes 2 and 3). So
 *
 *     ‖STL(X,W) − XW‖_F ≤ β ‖X‖_F ‖W‖_F,   β = min_k σ₁(R_(k))    (`upper`)
 *
 * for t×t tiles X, W, and, by Cauchy–Schwarz over the inner tile index, for matrices of any shape
 * (zero padding changes no norm): ‖Σ_k R(X_ik, W_kj)‖ ≤ β Σ_k ‖X_ik‖‖W_kj‖ ≤ β ‖X_i·‖‖W_·j‖, and
 * summing squares over (i, j) gives β²‖X‖²‖W‖². It is relative to ‖X‖‖W‖, not ‖XW‖: XW may vanish
 * while the error does not. `lower` is R(x,y,z) at unit vectors found by alternating maximisation
 * (HOPM), so ‖R‖_op ≥ lower: a concrete tile pair (x, y) with that much error exists.
 */
export interface WorstCaseBound {
  /** σ₁ of the flattenings a×bc, b×ac, c×ab (each an upper bound on ‖R‖_op). */
  flattenings: [number, number, number];
  /** min of `flattenings`. */
  upper: number;
  /** A value ‖R(x,y)‖ reached by unit x, y: ‖R‖_op ≥ lower. */
  lower: number;
  /** ‖R‖_F, the weakest of these upper bounds, = sqrt(e·‖T‖_F²). */
  frobenius: number;
  /** The tile pair reaching `lower` (vec X, vec W, unit vectors). */
  witness: { x: Float64Array; y: Float64Array };
}

/**
 * Largest eigenvalue of a symmetric n×n matrix (row-major, overwritten) by cyclic Jacobi rotations,
 * with its eigenvector. Jacobi converges for every symmetric matrix (power iteration stalls when the
 * top two eigenvalues are close); when the off-diagonal part has Frobenius norm δ, every eigenvalue
 * lies within δ of a diagonal entry (Weyl), so max diag + δ is an upper bound on λ_max.
 */
export function topEigen(G: Float64Array, n: number): { value: number; upper: number; vector: Float64Array } {
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  let scale = 0;
  for (const x of G) scale += x * x;
  const tol = 1e-30 * Math.max(scale, 1e-300);
  let off = 0;
  for (let sweep = 0; sweep < 100; sweep++) {
    off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * G[p * n + q] ** 2;
    if (off <= tol) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = G[p * n + q];
      if (apq === 0) continue;
      const theta = (G[q * n + q] - G[p * n + p]) / (2 * apq);
      const tt = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(tt * tt + 1), s = tt * c;
      for (let k = 0; k < n; k++) {
        const gkp = G[k * n + p], gkq = G[k * n + q];
        G[k * n + p] = c * gkp - s * gkq;
        G[k * n + q] = s * gkp + c * gkq;
      }
      for (let k = 0; k < n; k++) {
        const gpk = G[p * n + k], gqk = G[q * n + k];
        G[p * n + k] = c * gpk - s * gqk;
        G[q * n + k] = s * gpk + c * gqk;
      }
      for (let k = 0; k < n; k++) {
        const vkp = V[k * n + p], vkq = V[k * n + q];
        V[k * n + p] = c * vkp - s * vkq;
        V[k * n + q] = s * vkp + c * vkq;
      }
    }
  }
  let best = 0;
  for (let i = 1; i < n; i++) if (G[i * n + i] > G[best * n + best]) best = i;
  const vector = new Float64Array(n);
  for (let k = 0; k < n; k++) vector[k] = V[k * n + best];
  // Rounding in the rotations is of order n·ε·‖G‖; it is added so `upper` stays an upper bound.
  const slack = Math.sqrt(off) + 8 * n * Number.EPSILON * Math.sqrt(scale);
  return { value: G[best * n + best], upper: G[best * n + best] + slack, vector };
}

/** Gram matrix of mode-k flattening: G[i,i'] = Σ over the other two indices of R[..i..]R[..i'..]. */
function gram(R: Float64Array, dims: readonly [number, number, number], mode: 0 | 1 | 2): Float64Array {
  const [a, b, c] = dims;
  const n = dims[mode];
  const G = new Float64Array(n * n);
  // Gather the flattening as n rows of length abc/n, then G = F Fᵀ.
  const len = (a * b * c) / n;
  const F = new Float64Array(n * len);
  for (let al = 0; al < a; al++) for (let be = 0; be < b; be++) for (let ga = 0; ga < c; ga++) {
    const v = R[(al * b + be) * c + ga];
    if (v === 0) continue;
    const row = mode === 0 ? al : mode === 1 ? be : ga;
    const col = mode === 0 ? be * c + ga : mode === 1 ? al * c + ga : al * b + be;
    F[row * len + col] = v;
  }
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    let s = 0;
    for (let k = 0; k < len; k++) s += F[i * len + k] * F[j * len + k];
    G[i * n + j] = s;
    G[j * n + i] = s;
  }
  return G;
}

const normalise = (v: Float64Array): number => {
  let s = 0;
  for (const x of v) s += x * x;
  const nrm = Math.sqrt(s);
  if (nrm > 0) for (let i = 0; i < v.length; i++) v[i] /= nrm;
  return nrm;
};

/** Contract R with two of x, y, z; `free` names the mode left open. */
function contract(R: Float64Array, dims: readonly [number, number, number], x: Float64Array, y: Float64Array, z: Float64Array, free: 0 | 1 | 2): Float64Array {
  const [a, b, c] = dims;
  const out = new Float64Array(dims[free]);
  for (let al = 0; al < a; al++) for (let be = 0; be < b; be++) for (let ga = 0; ga < c; ga++) {
    const v = R[(al * b + be) * c + ga];
    if (v === 0) continue;
    if (free === 0) out[al] += v * y[be] * z[ga];
    else if (free === 1) out[be] += v * x[al] * z[ga];
    else out[ga] += v * x[al] * y[be];
  }
  return out;
}

/** The flattening bounds and an attained lower value for ‖R‖_op; see WorstCaseBound. */
export function worstCaseBound(R: Float64Array, dims: readonly [number, number, number], opts: { restarts?: number; seed?: number } = {}): WorstCaseBound {
  let fro = 0;
  for (const v of R) fro += v * v;
  const tops = ([0, 1, 2] as const).map((mode) => topEigen(gram(R, dims, mode), dims[mode]));
  const flattenings = tops.map((e) => Math.sqrt(Math.max(e.upper, 0))) as [number, number, number];
  const rng = new Rng(opts.seed ?? 1);
  const random = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
  let lower = 0;
  let witness: { x: Float64Array; y: Float64Array } = { x: new Float64Array(dims[0]), y: new Float64Array(dims[1]) };
  // Start from the top singular vectors (HOSVD), then from random points.
  const starts = [[tops[0].vector, tops[1].vector], ...Array.from({ length: opts.restarts ?? 4 }, () => [random(dims[0]), random(dims[1])])];
  for (const [x0, y0] of starts) {
    const x = Float64Array.from(x0), y = Float64Array.from(y0);
    normalise(x);
    normalise(y);
    let z: Float64Array = new Float64Array(dims[2]), value = 0;
    for (let it = 0; it < 200; it++) {
      z = contract(R, dims, x, y, z, 2);
      normalise(z);
      const nx = contract(R, dims, x, y, z, 0);
      if (normalise(nx) === 0) break;
      x.set(nx);
      const ny = contract(R, dims, x, y, z, 1);
      const v = normalise(ny);
      if (v === 0) break;
      y.set(ny);
      if (v - value <= 1e-14 * v) {
        value = v;
        break;
      }
      value = v;
    }
    // Report what the final unit (x, y) reaches: ‖R(x, y)‖ itself, not an iterate's estimate.
    const reached = Math.sqrt(contract(R, dims, x, y, z, 2).reduce((s, v) => s + v * v, 0));
    if (reached > lower) {
      lower = reached;
      witness = { x, y };
    }
  }
  return { flattenings, upper: Math.min(...flattenings), lower, frobenius: Math.sqrt(fro), witness };
}
