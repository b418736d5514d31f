/**
 * The small dense linear algebra the numerical search needs, on row-major Float64Arrays.
 * Everything here is SPD (normal equations plus damping), so Cholesky suffices.
 */

/**
 * In-place Cholesky A = L·Lᵀ of an n×n SPD matrix (only the lower triangle is read; L overwrites
 * it). Returns false when a pivot is not positive (the caller then damps harder).
 */
export function cholesky(A: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j];
    for (let k = 0; k < j; k++) d -= A[rj + k] * A[rj + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    A[rj + j] = ljj;
    const inv = 1 / ljj;
    // Row-oriented dot products keep both operands contiguous; four rows at a time share the loads
    // of row j. This loop is the O(n³) hot spot of Levenberg–Marquardt.
    let i = j + 1;
    for (; i + 3 < n; i += 4) {
      const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      let s0 = A[r0 + j], s1 = A[r1 + j], s2 = A[r2 + j], s3 = A[r3 + j];
      for (let k = 0; k < j; k++) {
        const x = A[rj + k];
        s0 -= A[r0 + k] * x;
        s1 -= A[r1 + k] * x;
        s2 -= A[r2 + k] * x;
        s3 -= A[r3 + k] * x;
      }
      A[r0 + j] = s0 * inv;
      A[r1 + j] = s1 * inv;
      A[r2 + j] = s2 * inv;
      A[r3 + j] = s3 * inv;
    }
    for (; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= A[ri + k] * A[rj + k];
      A[ri + j] = s * inv;
    }
  }
  return true;
}

/** Solve L·Lᵀ·x = b in place (b becomes x), L from cholesky. */
export function cholSolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[ri + k] * b[k];
    b[i] = s / L[ri + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * b[k];
    b[i] = s / L[i * n + i];
  }
}

/** out = X·Xᵀ for X with r rows of length d (the Gram matrix of the rows). */
export function gramRows(X: Float64Array, r: number, d: number, out: Float64Array): Float64Array {
  for (let l = 0; l < r; l++) {
    for (let k = 0; k <= l; k++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += X[l * d + t] * X[k * d + t];
      out[l * r + k] = s;
      out[k * r + l] = s;
    }
  }
  return out;
}

export function sumSq(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/** out[i] = ‖row i of L⁻¹‖² for L from cholesky (columns of L⁻¹ by forward substitution). */
export function invRowNormsSq(L: Float64Array, n: number, out: Float64Array): Float64Array {
  out.fill(0, 0, n);
  const y = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    y[j] = 1 / L[j * n + j];
    out[j] += y[j] * y[j];
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s -= L[ri + k] * y[k];
      y[i] = s / L[ri + i];
      out[i] += y[i] * y[i];
    }
  }
  return out;
}

/**
 * How free each unfrozen coordinate is to move within the solution set, from the Gauss–Newton
 * matrix H (N×N) restricted to them: μ·‖row of L⁻¹‖² for H_free + μ = LLᵀ, μ = 10⁻⁶·mean diagonal.
 * Large where the residual does not pin the coordinate (see freedom in round.ts). Frozen
 * coordinates get 0; all get 1 when the restriction is not positive definite.
 */
export function freedomFromNormal(H: Float64Array, N: number, frozen: Uint8Array): Float64Array {
  const free: number[] = [];
  for (let i = 0; i < N; i++) if (!frozen[i]) free.push(i);
  const n = free.length, A = new Float64Array(n * n);
  let trace = 0;
  for (let s = 0; s < n; s++) {
    for (let t = 0; t < n; t++) A[s * n + t] = H[free[s] * N + free[t]];
    trace += A[s * n + s];
  }
  const mu = 1e-6 * (trace / Math.max(1, n) || 1);
  for (let s = 0; s < n; s++) A[s * n + s] += mu;
  const out = new Float64Array(N);
  if (!cholesky(A, n)) return out.fill(1);
  const rows = invRowNormsSq(A, n, new Float64Array(n));
  for (let s = 0; s < n; s++) out[free[s]] = mu * rows[s];
  return out;
}
