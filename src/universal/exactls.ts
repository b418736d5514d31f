import { Fraction } from '../field/index.ts';
import { lcm } from '../util/bigint.ts';

/**
 * The least-squares decoder over Q: with encoders U, V fixed (rational), the W minimising
 * ‖T − Σ u⊗v⊗w‖² solves the normal equations G·W = M with G = (UUᵀ)∘(VVᵀ) and
 * M[l, (i,k)] = Σ_j U[l][(i,j)]·V[l][(j,k)]. The solution is rational, so a rational encoder pair
 * gets its best decoder exactly (and the exact error then follows from the verifier).
 *
 * Fraction-free elimination (Bareiss) on integers: G and M are scaled by a common denominator
 * first; intermediate entries stay exact determinants, which keeps BigInt sizes linear in n.
 * The normal equations are always consistent; a singular G (dependent products, zero products)
 * gets 0 for its free unknowns, which is still a minimiser.
 */
export function exactDecoder(t: number, U: readonly (readonly Fraction[])[], V: readonly (readonly Fraction[])[]): Fraction[][] {
  const r = U.length, d = t * t;
  const dot = (x: readonly Fraction[], y: readonly Fraction[]) => {
    let s = new Fraction(0);
    for (let i = 0; i < x.length; i++) if (x[i].n !== 0n && y[i].n !== 0n) s = s.add(x[i].mul(y[i]));
    return s;
  };
  const G: Fraction[][] = Array.from({ length: r }, () => new Array<Fraction>(r));
  for (let l = 0; l < r; l++) for (let k = 0; k <= l; k++) G[l][k] = G[k][l] = dot(U[l], U[k]).mul(dot(V[l], V[k]));
  const M: Fraction[][] = U.map((u, l) => {
    const row = new Array<Fraction>(d).fill(new Fraction(0));
    for (let i = 0; i < t; i++) for (let k = 0; k < t; k++) {
      let s = new Fraction(0);
      for (let j = 0; j < t; j++) {
        const a = u[i * t + j], b = V[l][j * t + k];
        if (a.n !== 0n && b.n !== 0n) s = s.add(a.mul(b));
      }
      row[i * t + k] = s;
    }
    return row;
  });
  return solveRational(G, M);
}

/** Some solution X of A·X = B (A n×n, B n×m, consistent), free unknowns 0. */
export function solveRational(A: readonly (readonly Fraction[])[], B: readonly (readonly Fraction[])[]): Fraction[][] {
  const n = A.length, m = B[0]?.length ?? 0;
  // Common denominator per row turns the augmented matrix into integers.
  const rows: bigint[][] = A.map((a, i) => {
    const all = [...a, ...B[i]];
    let L = 1n;
    for (const x of all) L = lcm(L, x.d);
    return all.map((x) => x.s * x.n * (L / x.d));
  });
  const pivCols: number[] = [];
  let prev = 1n, row = 0;
  for (let col = 0; col < n && row < n; col++) {
    let p = -1;
    for (let i = row; i < n; i++) if (rows[i][col] !== 0n) { p = i; break; }
    if (p < 0) continue;
    [rows[row], rows[p]] = [rows[p], rows[row]];
    const pr = rows[row], pv = pr[col];
    for (let i = row + 1; i < n; i++) {
      const ri = rows[i], f = ri[col];
      for (let j = col; j < n + m; j++) ri[j] = (pv * ri[j] - f * pr[j]) / prev;
    }
    prev = pv;
    pivCols.push(col);
    row++;
  }
  // Back substitution in Q on the echelon form (row k has its pivot in pivCols[k]).
  const X: Fraction[][] = Array.from({ length: n }, () => new Array<Fraction>(m).fill(new Fraction(0)));
  for (let k = pivCols.length - 1; k >= 0; k--) {
    const c = pivCols[k], rk = rows[k];
    for (let j = 0; j < m; j++) {
      let s = new Fraction(rk[n + j]);
      for (let q = k + 1; q < pivCols.length; q++) {
        const cq = pivCols[q];
        if (rk[cq] !== 0n && X[cq][j].n !== 0n) s = s.sub(X[cq][j].mul(rk[cq]));
      }
      X[c][j] = s.div(rk[c]);
    }
  }
  return X;
}
