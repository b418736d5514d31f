import type { Field } from './field.ts';

/**
 * Exact linear algebra over any Field: ranks, determinants, nullspaces and an incremental echelon
 * form that backtracking can copy cheaply (its size is bounded by the number of unknowns, not by the
 * number of equations added). The symmetry search pins down (P, Q, R) with it; the group-algebra
 * constructions use it for minimal polynomials in number fields and to invert the Fourier encoder.
 */

/** Rank of a matrix given as rows (Gaussian elimination on a copy). */
export function rankOf<E>(F: Field<E>, M: readonly (readonly E[])[]): number {
  const ech = new Echelon(F, M[0]?.length ?? 0);
  for (const row of M) ech.add(row);
  return ech.rank;
}

/**
 * Rows in reduced echelon form, kept under insertion. `add` reduces a new row against the pivots and,
 * if something is left, makes it a new pivot row (normalised to 1 at its pivot) and clears that column
 * in the old rows. Everything stays reduced, so the nullspace can be read off directly.
 */
export class Echelon<E> {
  rows: E[][] = [];
  pivots: number[] = [];
  constructor(readonly F: Field<E>, readonly ncols: number) {}

  get rank(): number {
    return this.rows.length;
  }

  clone(): Echelon<E> {
    const c = new Echelon(this.F, this.ncols);
    c.rows = this.rows.map((r) => r.slice());
    c.pivots = this.pivots.slice();
    return c;
  }

  /** Add one equation (a row of coefficients); returns true when it raised the rank. */
  add(row: readonly E[]): boolean {
    const F = this.F;
    const r = row.slice();
    for (let x = 0; x < this.rows.length; x++) {
      const c = this.pivots[x];
      if (F.isZero(r[c])) continue;
      const f = r[c];
      const pr = this.rows[x];
      for (let t = 0; t < this.ncols; t++) if (!F.isZero(pr[t])) r[t] = F.sub(r[t], F.mul(f, pr[t]));
    }
    const c = r.findIndex((x) => !F.isZero(x));
    if (c < 0) return false;
    const inv = F.inv(r[c]);
    for (let t = 0; t < this.ncols; t++) r[t] = F.mul(r[t], inv);
    for (const pr of this.rows) {
      if (F.isZero(pr[c])) continue;
      const f = pr[c];
      for (let t = 0; t < this.ncols; t++) if (!F.isZero(r[t])) pr[t] = F.sub(pr[t], F.mul(f, r[t]));
    }
    this.rows.push(r);
    this.pivots.push(c);
    return true;
  }

  /** A basis of the solutions of rows·x = 0, one vector per free column. */
  nullspace(): E[][] {
    const F = this.F;
    const isPivot = new Set(this.pivots);
    const out: E[][] = [];
    for (let f = 0; f < this.ncols; f++) {
      if (isPivot.has(f)) continue;
      const x = new Array<E>(this.ncols).fill(F.zero);
      x[f] = F.one;
      this.rows.forEach((row, k) => {
        if (!F.isZero(row[f])) x[this.pivots[k]] = F.neg(row[f]);
      });
      out.push(x);
    }
    return out;
  }
}

/** Determinant by elimination (exact); used to reject singular candidates for P, Q, R. */
export function det<E>(F: Field<E>, A: readonly (readonly E[])[]): E {
  const n = A.length;
  const M = A.map((r) => r.slice());
  let d = F.one;
  for (let c = 0; c < n; c++) {
    const p = M.findIndex((row, r) => r >= c && !F.isZero(row[c]));
    if (p < 0) return F.zero;
    if (p !== c) {
      [M[c], M[p]] = [M[p], M[c]];
      d = F.neg(d);
    }
    d = F.mul(d, M[c][c]);
    const inv = F.inv(M[c][c]);
    for (let r = c + 1; r < n; r++) {
      if (F.isZero(M[r][c])) continue;
      const f = F.mul(M[r][c], inv);
      for (let t = c; t < n; t++) M[r][t] = F.sub(M[r][t], F.mul(f, M[c][t]));
    }
  }
  return d;
}

/** For a rank-one r×c matrix x (row-major flat), vectors a, b with x = a bᵀ (a is a nonzero column). */
export function rankOneFactors<E>(F: Field<E>, x: readonly E[], r: number, c: number): [E[], E[]] {
  const at = x.findIndex((v) => !F.isZero(v));
  const i0 = Math.floor(at / c), j0 = at % c;
  const a = Array.from({ length: r }, (_, i) => x[i * c + j0]);
  const inv = F.inv(x[at]);
  const b = Array.from({ length: c }, (_, j) => F.mul(x[i0 * c + j], inv));
  return [a, b];
}

/** Scale a nonzero vector so that its first nonzero entry is 1; returns the vector and that entry. */
export function normaliseFirst<E>(F: Field<E>, x: readonly E[]): [E[], E] {
  const at = x.findIndex((v) => !F.isZero(v));
  if (at < 0) return [x.slice(), F.one];
  const s = x[at];
  const inv = F.inv(s);
  return [x.map((v) => F.mul(v, inv)), s];
}

/** Is x a nonzero multiple of y? (Both nonzero, or both zero.) */
export function proportional<E>(F: Field<E>, x: readonly E[], y: readonly E[]): boolean {
  const ax = x.findIndex((v) => !F.isZero(v)), ay = y.findIndex((v) => !F.isZero(v));
  if (ax !== ay) return false;
  if (ax < 0) return true;
  // x ∝ y  ⇔  x[t]·y[ax] = y[t]·x[ax] for every t.
  for (let t = 0; t < x.length; t++) if (!F.eq(F.mul(x[t], y[ax]), F.mul(y[t], x[ax]))) return false;
  return true;
}
