import { matmulTensor } from '../tensor/index.ts';
import type { Rng } from '../util/rng.ts';
import type { Factors } from './factors.ts';

/**
 * A CP-decomposition problem T ≈ Σ_l U[l]⊗V[l]⊗W[l] in float64 (factors.ts has the layout of U, V,
 * W): the tensor, sparse for the MTTKRP of ALS and dense for the residual, and what every method
 * on it needs (random starts, the residual, balancing).
 */
export interface CpProblem {
  /** <n,m,p> for matrix multiplication; [0, 0, 0] for other tensors. */
  readonly format: [number, number, number];
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly r: number;
  /** Nonzero entries of T as flat triples (α, β, γ), values in val. */
  readonly idx: Int32Array;
  readonly val: Float64Array;
  /** T densely, index (α·b + β)·c + γ: the residual is formed densely to keep its precision. */
  readonly dense: Float64Array;
  readonly tSq: number;
}

export function matmulProblem(format: [number, number, number], r: number): CpProblem {
  const [n, m, p] = format;
  const T = matmulTensor(n, m, p);
  const dense = new Float64Array(T.dims[0] * T.dims[1] * T.dims[2]);
  for (const e of T.entries) dense[(e.i * T.dims[1] + e.j) * T.dims[2] + e.k] = Number(e.v.s * e.v.n) / Number(e.v.d);
  return denseProblem([...T.dims] as [number, number, number], dense, r, format);
}

/** Any a×b×c tensor given densely (index (α·b + β)·c + γ); zeros are skipped in the sparse part. */
export function denseProblem(dims: [number, number, number], dense: Float64Array, r: number, format: [number, number, number] = [0, 0, 0]): CpProblem {
  const [a, b, c] = dims;
  const nz: number[] = [];
  for (let x = 0; x < dense.length; x++) if (dense[x] !== 0) nz.push(x);
  const idx = new Int32Array(3 * nz.length), val = new Float64Array(nz.length);
  let tSq = 0;
  nz.forEach((x, t) => {
    idx[3 * t] = Math.floor(x / (b * c));
    idx[3 * t + 1] = Math.floor(x / c) % b;
    idx[3 * t + 2] = x % c;
    val[t] = dense[x];
    tSq += dense[x] ** 2;
  });
  return { format, a, b, c, r, idx, val, dense: dense.slice(), tSq };
}

/**
 * Random start. Entries are N(0, σ²) with σ chosen so that a random rank-r sum has about the norm
 * of T: starting far too large or small costs many iterations just to rescale.
 */
export function randomFactors(P: CpProblem, rng: Rng, scale = 1): Factors {
  const { a, b, c, r } = P;
  const sigma = scale * Math.pow(P.tSq / (r * a * b * c), 1 / 6);
  const fill = (len: number) => {
    const x = new Float64Array(len);
    for (let i = 0; i < len; i++) x[i] = sigma * rng.normal();
    return x;
  };
  return { U: fill(r * a), V: fill(r * b), W: fill(r * c) };
}

/** e = T̂ − T densely; returns ‖e‖². */
export function residual(P: CpProblem, F: Factors, e: Float64Array): number {
  const { a, b, c, r, dense } = P;
  const { U, V, W } = F;
  for (let i = 0; i < e.length; i++) e[i] = -dense[i];
  for (let l = 0; l < r; l++) {
    const wl = l * c;
    for (let al = 0; al < a; al++) {
      const u = U[l * a + al];
      if (u === 0) continue;
      for (let be = 0; be < b; be++) {
        const uv = u * V[l * b + be];
        if (uv === 0) continue;
        const base = (al * b + be) * c;
        for (let ga = 0; ga < c; ga++) e[base + ga] += uv * W[wl + ga];
      }
    }
  }
  let s = 0;
  for (let i = 0; i < e.length; i++) s += e[i] * e[i];
  return s;
}

export function residualOf(P: CpProblem, F: Factors): number {
  return residual(P, F, new Float64Array(P.a * P.b * P.c));
}

/**
 * Spread each term's scale evenly over its three factors (u⊗v⊗w is unchanged). Plain ALS lets the
 * three norms drift apart, which makes the normal equations badly conditioned.
 */
export function balance(P: Pick<CpProblem, 'a' | 'b' | 'c' | 'r'>, F: Factors): void {
  const { a, b, c, r } = P;
  const norm = (X: Float64Array, l: number, d: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += X[l * d + t] ** 2;
    return Math.sqrt(s);
  };
  for (let l = 0; l < r; l++) {
    const nu = norm(F.U, l, a), nv = norm(F.V, l, b), nw = norm(F.W, l, c);
    if (nu === 0 || nv === 0 || nw === 0) continue;
    const g = Math.cbrt(nu * nv * nw);
    for (let t = 0; t < a; t++) F.U[l * a + t] *= g / nu;
    for (let t = 0; t < b; t++) F.V[l * b + t] *= g / nv;
    for (let t = 0; t < c; t++) F.W[l * c + t] *= g / nw;
  }
}
