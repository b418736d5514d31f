import type { Fraction } from '../field/index.ts';
import type { Scheme } from '../scheme/index.ts';
import { modeGram, mttkrp } from '../cp/als.ts';
import { schemeFactors } from '../cp/convert.ts';
import type { Factors } from '../cp/factors.ts';
import { cholesky, cholSolve } from '../cp/linalg.ts';
import type { CpProblem } from '../cp/problem.ts';
import type { Rng } from '../util/rng.ts';
import { exactDecoder } from './exactls.ts';
import { rationalScheme } from './isotropic.ts';

/**
 * Truncation of an exact scheme to r products: drop products one at a time and refit the decoder
 * by least squares. With encoders fixed, fitting W is linear regression of T on the regressors
 * x_l = u_l⊗v_l; dropping regressor l raises the residual by Σ_γ β_lγ² / (G⁻¹)_ll (β = G⁻¹M, the
 * fitted decoder, G the Gram matrix of the regressors), so each step drops the product whose
 * removal costs least. Large schemes drop several products per step (the scores barely move).
 */
export interface Truncation {
  keep: number[];
  factors: Factors;
  /** Exact rational version (encoders of the scheme, decoder refit over Q), when asked for. */
  exact?: Scheme<Fraction>;
}

export function truncate(P: CpProblem, s: Scheme<Fraction>, r: number, opts: { exact?: boolean; name?: string; rng?: Rng } = {}): Truncation {
  const t = P.format[0], d = t * t;
  const full = schemeFactors(s);
  const R = s.U.length;
  let keep = Array.from({ length: R }, (_, l) => l);
  let beta: Float64Array = new Float64Array(0);
  for (;;) {
    const F = pick(full, keep, d);
    const n = keep.length;
    const { B, invDiag } = fitDecoder({ ...P, r: n }, F);
    beta = B;
    if (n <= r) break;
    const score = keep.map((_, l) => {
      let s2 = 0;
      for (let g = 0; g < d; g++) s2 += B[l * d + g] ** 2;
      return s2 / Math.max(invDiag[l], 1e-300);
    });
    const drop = n > 64 ? Math.max(1, Math.floor((n - r) / 4)) : 1;
    const order = score.map((v, l) => [v, l]).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map((x) => x[1]);
    // Randomised variant (more starts from one scheme): each drop is one of the three cheapest.
    if (opts.rng) for (let i = 0; i < drop; i++) {
      const j = i + opts.rng.int(Math.min(3, order.length - i));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const gone = new Set(order.slice(0, drop));
    keep = keep.filter((_, l) => !gone.has(l));
  }
  const factors = pick(full, keep, d);
  factors.W.set(beta);
  const out: Truncation = { keep, factors };
  if (opts.exact) {
    const U = keep.map((l) => [...s.U[l]]), V = keep.map((l) => [...s.V[l]]);
    out.exact = rationalScheme(t, U, V, exactDecoder(t, U, V), { source: `stlkit universal: ${opts.name ?? 'exact scheme'} truncated to ${keep.length} products, decoder refit by least squares over Q` });
  }
  return out;
}

function pick(F: Factors, keep: number[], d: number): Factors {
  const sel = (X: Float64Array) => {
    const out = new Float64Array(keep.length * d);
    keep.forEach((l, i) => out.set(X.subarray(l * d, (l + 1) * d), i * d));
    return out;
  };
  return { U: sel(F.U), V: sel(F.V), W: sel(F.W) };
}

/** β = G⁻¹M for the current products, and the diagonal of G⁻¹ (a tiny ridge keeps G definite). */
export function fitDecoder(P: CpProblem, F: Factors): { B: Float64Array; invDiag: Float64Array } {
  const { r, c } = P;
  const G = new Float64Array(r * r), G2 = new Float64Array(r * r), M = new Float64Array(r * c);
  modeGram(P, F, 2, G, G2);
  let tr = 0;
  for (let l = 0; l < r; l++) tr += G[l * r + l];
  for (let l = 0; l < r; l++) G[l * r + l] += 1e-12 * (tr / Math.max(r, 1) || 1);
  mttkrp(P, F, 2, M);
  const B = new Float64Array(r * c), invDiag = new Float64Array(r);
  if (!cholesky(G, r)) return { B, invDiag: invDiag.fill(1) };
  const rhs = new Float64Array(r);
  for (let g = 0; g < c; g++) {
    for (let l = 0; l < r; l++) rhs[l] = M[l * c + g];
    cholSolve(G, r, rhs);
    for (let l = 0; l < r; l++) B[l * c + g] = rhs[l];
  }
  for (let l = 0; l < r; l++) {
    rhs.fill(0);
    rhs[l] = 1;
    cholSolve(G, r, rhs);
    invDiag[l] = rhs[l];
  }
  return { B, invDiag };
}
