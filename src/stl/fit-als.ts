import type { Factors } from '../cp/factors.ts';
import { cholesky, cholSolve } from '../cp/linalg.ts';
import { balance } from '../cp/problem.ts';
import { crossTerms, decoderGram, gramOfClass, probes, type TileMoments } from './fit-moments.ts';

/**
 * The three exact least-squares steps of data-aware ALS, all on tile moments (fit-moments.ts).
 * Factors are rows per product: U = E_X, V = E_W (r×n), W = Dᵀ (r×n), n = t² (cp/convert.ts).
 *
 * With the moments scaled by 1/‖XW‖², the objective is the empirical error plus a ridge,
 *
 *     f = Σ_c Σ_{l,l'} Ω_c[l,l']·φ_lᵀ S_c φ_l' − 2 Σ_l d_l·C_l + ‖XW‖² + λ(‖U‖² + ‖V‖² + ‖D‖²),
 *
 * (Ω_c = decoder Gram over class c's output mask, φ_l = u_l ⊗ v_l, C_l = φ_lᵀR), which is quadratic
 * in each of U, V, D separately:
 *  - D: for each output position γ, (Σ_c mask_c[γ] G_c + λI) D[γ,:] = C[:,γ], G_c = Φ S_c Φᵀ (r×r);
 *    positions with the same mask pattern share one Cholesky (one pattern when t divides M and P).
 *  - U: one SPD system of size r·n, block (l,l') = Σ_c Ω_c[l,l']·H_c[l,l'] with
 *    H_c[l,l'][p,p'] = Σ_{q,q'} S_c[pq,p'q'] v_l[q] v_l'[q'], right-hand side
 *    b_l[p] = Σ_{q,γ} R[pq,γ] v_l[q] d_l[γ]. Cost O(r·n⁴ + r²·n³ + (r·n)³/3) per class.
 *  - V: the same with the roles of p and q exchanged.
 * Each step minimises f exactly in its block, so f never increases over a sweep.
 */

/** Relative diagonal added when a normal matrix is not numerically positive definite. */
const JITTER = [1e-13, 1e-11, 1e-9, 1e-7, 1e-5];

/** Cholesky of A + (λ + ε·mean diag) I with the smallest ε of JITTER that works (A is copied). */
function factorSpd(A: Float64Array, d: number, lambda: number): Float64Array | null {
  let tr = 0;
  for (let i = 0; i < d; i++) tr += A[i * d + i];
  const scale = Math.max(tr / d, 1e-300);
  for (const eps of [0, ...JITTER]) {
    const L = A.slice();
    for (let i = 0; i < d; i++) L[i * d + i] += lambda + eps * scale;
    if (cholesky(L, d)) return L;
  }
  return null;
}

/** Optimal decoder for the current encoders (in place); false if a system stayed singular. */
export function decoderStep(m: TileMoments, F: Factors, r: number, lambda: number): boolean {
  const { n } = m;
  const phi = probes(F.U, F.V, r, n);
  const Gs = m.classes.map((c) => gramOfClass(c.S, phi, r, n * n));
  const C = crossTerms(m.R, phi, r, n);
  const groups = new Map<string, number[]>();
  for (let g = 0; g < n; g++) {
    const key = m.classes.map((c) => (c.mask[g] ? 1 : 0)).join('');
    if (!key.includes('1')) continue; // a position no tile counts: nothing to fit, keep it
    groups.set(key, [...(groups.get(key) ?? []), g]);
  }
  const rhs = new Float64Array(r);
  let ok = true;
  for (const [key, gammas] of groups) {
    const A = new Float64Array(r * r);
    m.classes.forEach((_, ci) => {
      if (key[ci] === '1') for (let x = 0; x < r * r; x++) A[x] += Gs[ci][x];
    });
    const L = factorSpd(A, r, lambda);
    if (!L) {
      ok = false;
      continue;
    }
    for (const g of gammas) {
      for (let l = 0; l < r; l++) rhs[l] = C[l * n + g];
      cholSolve(L, r, rhs);
      for (let l = 0; l < r; l++) F.W[l * n + g] = rhs[l];
    }
  }
  return ok;
}

/**
 * Optimal E_X (mode 'U') or E_W (mode 'V') for the other two factors, in place; false (and the
 * factor untouched) if the system stayed singular.
 */
export function encoderStep(m: TileMoments, F: Factors, r: number, mode: 'U' | 'V', lambda: number): boolean {
  const { n } = m;
  const n2 = n * n, n3 = n2 * n, d = r * n;
  const own = mode === 'U' ? F.U : F.V, other = mode === 'U' ? F.V : F.U;
  const A = new Float64Array(d * d);
  const T = new Float64Array(r * n3);
  for (const c of m.classes) {
    const O = decoderGram(F.W, c.mask, r, n);
    contractOther(c.S, other, r, n, mode, T);
    // Block (l, k), k ≤ l: A[l·n + x, k·n + x'] = Ω[l,k] Σ_y T_l[x][x'·n + y] o_k[y] (mode U), or
    // Σ_y T_l[x][y·n + x'] o_k[y] (mode V), o = the other encoder.
    for (let l = 0; l < r; l++) for (let k = 0; k <= l; k++) {
      const w = O[l * r + k];
      if (w === 0) continue;
      const ok = k * n;
      for (let x = 0; x < n; x++) {
        const t0 = l * n3 + x * n2, arow = (l * n + x) * d + k * n;
        for (let x2 = 0; x2 < n; x2++) {
          let s = 0;
          if (mode === 'U') {
            const base = t0 + x2 * n;
            for (let y = 0; y < n; y++) s += T[base + y] * other[ok + y];
          } else {
            for (let y = 0; y < n; y++) s += T[t0 + y * n + x2] * other[ok + y];
          }
          A[arow + x2] += w * s;
        }
      }
    }
  }
  // b_l[x] = Σ_{y,γ} R[(x,y) or (y,x), γ] o_l[y] d_l[γ].
  const b = new Float64Array(d);
  for (let l = 0; l < r; l++) for (let x = 0; x < n; x++) {
    let s = 0;
    for (let y = 0; y < n; y++) {
      const o = other[l * n + y];
      if (o === 0) continue;
      const pq = mode === 'U' ? x * n + y : y * n + x;
      let t = 0;
      for (let g = 0; g < n; g++) t += m.R[pq * n + g] * F.W[l * n + g];
      s += o * t;
    }
    b[l * n + x] = s;
  }
  const L = factorSpd(A, d, lambda);
  if (!L) return false;
  cholSolve(L, d, b);
  own.set(b);
  return true;
}

/**
 * T_l[x][x'·n + y'] = Σ_y o_l[y] S[(x,y),(x',y')] for mode U (x = p, y = q, o = E_W), and
 * T_l[x][y'·n + x'] = Σ_y o_l[y] S[(y,x),(y',x')] for mode V (x = q, y = p, o = E_X); either way the
 * row of T_l is a row of S contracted over the other encoder's index, kept in S's column order.
 */
function contractOther(S: Float64Array, other: Float64Array, r: number, n: number, mode: 'U' | 'V', T: Float64Array): void {
  const n2 = n * n, n3 = n2 * n;
  T.fill(0);
  for (let l = 0; l < r; l++) for (let x = 0; x < n; x++) {
    const dst = l * n3 + x * n2;
    for (let y = 0; y < n; y++) {
      const o = other[l * n + y];
      if (o === 0) continue;
      const src = (mode === 'U' ? x * n + y : y * n + x) * n2;
      for (let z = 0; z < n2; z++) T[dst + z] += o * S[src + z];
    }
  }
}

/**
 * Spread each product's scale evenly over its factors (the operator is unchanged): over u, v, d,
 * or over u and d alone when E_W is fixed. Keeps the normal matrices well conditioned and, with a
 * ridge, lowers λ(‖U‖² + ‖V‖² + ‖D‖²) for the same operator (AM–GM).
 */
export function balance3(F: Factors, r: number, n: number, fixedV: boolean): void {
  if (!fixedV) return balance({ a: n, b: n, c: n, r }, F);
  const norm = (X: Float64Array, l: number) => {
    let s = 0;
    for (let x = 0; x < n; x++) s += X[l * n + x] ** 2;
    return Math.sqrt(s);
  };
  const scale = (X: Float64Array, l: number, f: number) => {
    for (let x = 0; x < n; x++) X[l * n + x] *= f;
  };
  for (let l = 0; l < r; l++) {
    const nu = norm(F.U, l), nd = norm(F.W, l);
    if (nu === 0 || nd === 0) continue;
    const g = Math.sqrt(nu * nd);
    scale(F.U, l, g / nu);
    scale(F.W, l, g / nd);
  }
}

export function normSq3(F: Factors): number {
  let s = 0;
  for (const X of [F.U, F.V, F.W]) for (let i = 0; i < X.length; i++) s += X[i] * X[i];
  return s;
}
