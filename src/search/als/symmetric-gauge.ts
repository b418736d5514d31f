import type { SymProblem } from './symmetric-lm.ts';

/**
 * Gauge fixing before rounding. a ↦ M⁻¹aM on every factor keeps tr(XYZ), hence T, and the cyclic
 * structure; a converged point sits at a generic place of that (n² − 1)-dimensional orbit, where
 * almost no coordinate is rational. The fixed vectors' spectra do not move along it: at every
 * converged <3,3,3>:23 point with 7 orbits + 2 fixed we looked at, d₀ had characteristic
 * polynomial x²(x − 1) (a rank-one idempotent, or E₀₀ plus a nilpotent Jordan block) and
 * d₁ = I − d₀. Conjugating to a Jordan basis of a generic combination of the d_j puts them in
 * small-integer normal form; without this, sparsification rounded none of about ten converged
 * points, with it about one in ten (seeds 1, 2 and 4 of 1–4 found an exact scheme within 120 s).
 * Returns false (and leaves x alone) when no such basis is found.
 */
export function diagonaliseFixed(P: SymProblem, x: Float64Array): boolean {
  const { n, q, k, f } = P;
  if (f === 0) return false;
  // Eigenvectors: weights far from rational, so commuting d_j with different eigenspaces split.
  // Krylov: integer weights, or the companion form would carry the irrational weight.
  const D = new Float64Array(q), Dint = new Float64Array(q);
  for (let j = 0; j < f; j++) for (let t = 0; t < q; t++) {
    D[t] += x[(3 * k + j) * q + t] * Math.pow(0.6180339887, j);
    Dint[t] += x[(3 * k + j) * q + t] * (j + 1);
  }
  const M = eigenbasis(D, n, Dint) ?? krylovBasis(Dint, n);
  if (!M) return false;
  const Mi = inverse(M, n);
  if (!Mi) return false;
  const tmp = new Float64Array(q), out = new Float64Array(q);
  for (let b = 0; b < 3 * k + f; b++) {
    const A = x.subarray(b * q, (b + 1) * q);
    matmul(Mi, A, tmp, n);
    matmul(tmp, M, out, n);
    A.set(out);
  }
  return true;
}

function matmul(A: ArrayLike<number>, B: ArrayLike<number>, C: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += A[i * n + t] * B[t * n + j];
    C[i * n + j] = s;
  }
}

/**
 * Columns e, Ae, A²e, … for the best-conditioned unit vector e: the basis of the rational canonical
 * (companion) form, rational when the characteristic polynomial is. It exists when A is not
 * diagonalisable but has one Jordan block per eigenvalue — as d₀ = E₀₀ + E₁₂ (up to conjugation)
 * at some converged <3,3,3>:23 points.
 */
function krylovBasis(A: Float64Array, n: number): Float64Array | null {
  let best: Float64Array | null = null, bestScore = 1e-6;
  for (let i = 0; i < n; i++) {
    const M = new Float64Array(n * n);
    let v = new Float64Array(n);
    v[i] = 1;
    let norms = 1;
    for (let j = 0; j < n; j++) {
      norms *= Math.hypot(...v) || 1;
      for (let r = 0; r < n; r++) M[r * n + j] = v[r];
      const w = new Float64Array(n);
      for (let r = 0; r < n; r++) for (let t = 0; t < n; t++) w[r] += A[r * n + t] * v[t];
      v = w;
    }
    // Unscaled columns (scaling them would put their norms into the companion form).
    const score = Math.abs(det(M, n)) / norms;
    if (score > bestScore) [best, bestScore] = [M, score];
  }
  return best;
}

function det(M: Float64Array, n: number): number {
  const A = Float64Array.from(M);
  let d = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(A[i * n + c]) > Math.abs(A[p * n + c])) p = i;
    if (A[p * n + c] === 0) return 0;
    if (p !== c) {
      for (let j = 0; j < n; j++) [A[c * n + j], A[p * n + j]] = [A[p * n + j], A[c * n + j]];
      d = -d;
    }
    d *= A[c * n + c];
    for (let i = c + 1; i < n; i++) {
      const f = A[i * n + c] / A[c * n + c];
      for (let j = c; j < n; j++) A[i * n + j] -= f * A[c * n + j];
    }
  }
  return d;
}

/**
 * Columns: a real Jordan basis of A (n×n) — eigenvectors, and for an eigenvalue with a single
 * Jordan block the chain B^(m−1)w, …, Bw, w (B = A − λ) — or null (complex eigenvalues, or
 * several blocks of which some are longer than one).
 */
function eigenbasis(A: Float64Array, n: number, Aint: Float64Array): Float64Array | null {
  const roots = eigenvalues(A, n);
  if (!roots) return null;
  const scale = Math.max(1, ...roots.map(Math.abs));
  const groups: number[][] = [];
  for (const r of roots.sort((u, v) => u - v)) {
    const last = groups[groups.length - 1];
    if (last && r - last[last.length - 1] <= 1e-4 * scale) last.push(r);
    else groups.push([r]);
  }
  const cols: number[][] = [];
  for (const g of groups) {
    const m = g.length, lambda = g.reduce((a, b) => a + b, 0) / m;
    const B = Float64Array.from(A);
    for (let i = 0; i < n; i++) B[i * n + i] -= lambda;
    const ker = nullSpace(B, n, 1e-4 * scale);
    if (ker.length === m) {
      cols.push(...ker);
      continue;
    }
    if (ker.length !== 1) return null;
    // One block of length m: w with B^(m−1)w ≠ 0, from a basis of ker(B^m).
    let Bm = Float64Array.from(B), Bm1 = Float64Array.from(B);
    for (let j = 1; j < m; j++) {
      Bm1 = Bm;
      Bm = new Float64Array(n * n);
      matmul(Bm1, B, Bm, n);
    }
    let w: number[] | null = null, best = 1e-3;
    for (const v of nullSpace(Bm, n, 1e-3 * scale)) {
      const u = apply(Bm1, v, n), size = Math.hypot(...u) / Math.hypot(...v);
      if (size > best) [w, best] = [v, size];
    }
    if (!w) return null;
    // The chain's scaling sets the 1 above the diagonal: build it with the integer combination
    // (when it shares the block), so the d_j get small integer entries there rather than 1/(1 − φ).
    let e = w;
    for (let j = 1; j < m; j++) e = apply(B, e, n);
    const Ae = apply(Aint, e, n), mu = Ae.reduce((s, x, i) => s + x * e[i], 0) / e.reduce((s, x) => s + x * x, 0);
    const Bint = Float64Array.from(Aint);
    for (let i = 0; i < n; i++) Bint[i * n + i] -= mu;
    let chain = [w];
    for (let j = 1; j < m; j++) chain.unshift(apply(Bint, chain[0], n));
    if (Math.hypot(...chain[0]) < 1e-6 * Math.hypot(...w)) {
      chain = [w];
      for (let j = 1; j < m; j++) chain.unshift(apply(B, chain[0], n));
    }
    cols.push(...chain);
  }
  if (cols.length !== n) return null;
  const M = new Float64Array(n * n);
  cols.forEach((v, j) => v.forEach((e, i) => (M[i * n + j] = e)));
  return M;
}

function apply(A: Float64Array, v: number[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => v.reduce((s, e, t) => s + A[i * n + t] * e, 0));
}

/** Real eigenvalues (with multiplicity) from the characteristic polynomial, or null if some are complex. */
function eigenvalues(A: Float64Array, n: number): number[] | null {
  // Faddeev–LeVerrier: c_{n−m} = −tr(A·M_m)/m, M_{m+1} = A·M_m + c_{n−m}·I.
  const c = new Array<number>(n + 1).fill(0);
  c[n] = 1;
  let Mm = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Mm[i * n + i] = 1;
  const AM = new Float64Array(n * n);
  for (let m = 1; m <= n; m++) {
    matmul(A, Mm, AM, n);
    let tr = 0;
    for (let i = 0; i < n; i++) tr += AM[i * n + i];
    c[n - m] = -tr / m;
    Mm = AM.slice();
    for (let i = 0; i < n; i++) Mm[i * n + i] += c[n - m];
  }
  // Durand–Kerner on the monic polynomial Σ c_i z^i.
  let re = Array.from({ length: n }, (_, i) => Math.pow(0.4, i) * Math.cos(0.9 * i));
  let im = Array.from({ length: n }, (_, i) => Math.pow(0.4, i) * Math.sin(0.9 * i) + 0.1);
  for (let it = 0; it < 2000; it++) {
    const nr = re.slice(), ni = im.slice();
    for (let i = 0; i < n; i++) {
      let pr = 1, pi = 0; // Horner: p(z)
      pr = c[n];
      for (let d = n - 1; d >= 0; d--) [pr, pi] = [pr * re[i] - pi * im[i] + c[d], pr * im[i] + pi * re[i]];
      let qr = 1, qi = 0;
      for (let j = 0; j < n; j++) if (j !== i) {
        const dr = re[i] - re[j], di = im[i] - im[j];
        [qr, qi] = [qr * dr - qi * di, qr * di + qi * dr];
      }
      const den = qr * qr + qi * qi || 1e-300;
      nr[i] = re[i] - (pr * qr + pi * qi) / den;
      ni[i] = im[i] - (pi * qr - pr * qi) / den;
    }
    re = nr;
    im = ni;
  }
  const scale = Math.max(1, ...re.map(Math.abs));
  // A double root comes out as a close conjugate pair (error ~ √ε): accept small imaginary parts.
  return im.every((v) => Math.abs(v) < 1e-4 * scale) ? re : null;
}

/** A basis of the null space of B (n×n) by Gaussian elimination with full pivoting. */
function nullSpace(B0: Float64Array, n: number, tol: number): number[][] {
  const B = Float64Array.from(B0), pivCol: number[] = [];
  let row = 0;
  const used = new Uint8Array(n);
  for (; row < n; row++) {
    let bi = -1, bj = -1, bv = tol;
    for (let i = row; i < n; i++) for (let j = 0; j < n; j++) if (!used[j] && Math.abs(B[i * n + j]) > bv) [bi, bj, bv] = [i, j, Math.abs(B[i * n + j])];
    if (bi < 0) break;
    for (let j = 0; j < n; j++) [B[row * n + j], B[bi * n + j]] = [B[bi * n + j], B[row * n + j]];
    const p = B[row * n + bj];
    for (let j = 0; j < n; j++) B[row * n + j] /= p;
    for (let i = 0; i < n; i++) if (i !== row) {
      const fct = B[i * n + bj];
      if (fct !== 0) for (let j = 0; j < n; j++) B[i * n + j] -= fct * B[row * n + j];
    }
    used[bj] = 1;
    pivCol.push(bj);
  }
  const out: number[][] = [];
  for (let j = 0; j < n; j++) {
    if (used[j]) continue;
    const v = new Array<number>(n).fill(0);
    v[j] = 1;
    pivCol.forEach((pc, r) => (v[pc] = -B[r * n + j]));
    out.push(v);
  }
  return out;
}

function inverse(M: Float64Array, n: number): Float64Array | null {
  const A = Float64Array.from(M), I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(A[i * n + c]) > Math.abs(A[p * n + c])) p = i;
    if (Math.abs(A[p * n + c]) < 1e-9) return null;
    for (let j = 0; j < n; j++) {
      [A[c * n + j], A[p * n + j]] = [A[p * n + j], A[c * n + j]];
      [I[c * n + j], I[p * n + j]] = [I[p * n + j], I[c * n + j]];
    }
    const d = A[c * n + c];
    for (let j = 0; j < n; j++) { A[c * n + j] /= d; I[c * n + j] /= d; }
    for (let i = 0; i < n; i++) if (i !== c) {
      const fct = A[i * n + c];
      for (let j = 0; j < n; j++) { A[i * n + j] -= fct * A[c * n + j]; I[i * n + j] -= fct * I[c * n + j]; }
    }
  }
  return I;
}
