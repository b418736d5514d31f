import { rank, type Scheme } from './scheme.ts';

export interface SchemeCounts {
  rank: number;
  /** Nonzero coefficients in U, V, W. */
  nnz: [number, number, number];
  /** Additions of the naive evaluation: forming each factor, then each output entry. */
  additions: { U: number; V: number; W: number; total: number };
  /** Coefficients other than ±1 (each a scalar multiplication in the naive evaluation). */
  scalings: number;
  /** Distinct coefficient values, as printed by the field. */
  coefficients: string[];
}

export function counts<E>(s: Scheme<E>): SchemeCounts {
  const F = s.field;
  const one = F.one, mone = F.neg(F.one);
  const values = new Set<string>();
  let scalings = 0;
  const nnzOf = (M: readonly (readonly E[])[]) => {
    let total = 0;
    for (const row of M) for (const x of row) {
      values.add(F.toString(x));
      if (F.isZero(x)) continue;
      total++;
      if (!F.eq(x, one) && !F.eq(x, mone)) scalings++;
    }
    return total;
  };
  const nnz: [number, number, number] = [nnzOf(s.U), nnzOf(s.V), nnzOf(s.W)];
  const rowAdds = (M: readonly (readonly E[])[]) => M.reduce((acc, row) => acc + Math.max(0, row.filter((x) => !F.isZero(x)).length - 1), 0);
  // Each output entry sums the products with a nonzero coefficient in its column of W.
  const c = s.W[0]?.length ?? 0;
  let wAdds = 0;
  for (let g = 0; g < c; g++) {
    let k = 0;
    for (const row of s.W) if (!F.isZero(row[g])) k++;
    wAdds += Math.max(0, k - 1);
  }
  const U = rowAdds(s.U), V = rowAdds(s.V);
  const sorted = [...values].sort((x, y) => Number(eval0(x)) - Number(eval0(y)) || x.localeCompare(y));
  return { rank: rank(s), nnz, additions: { U, V, W: wAdds, total: U + V + wAdds }, scalings, coefficients: sorted };
}

/** Numeric value of a printed coefficient, for sorting only. */
function eval0(x: string): number {
  const m = /^(-?\d+)(?:\/(\d+))?$/.exec(x);
  return m ? Number(m[1]) / Number(m[2] ?? 1) : NaN;
}

/**
 * The largest |coefficient| of a scheme with real coefficients (numbers, or Fractions by their
 * value): what bounds the dynamic range of the encoded operands in low precision.
 */
export function maxAbsCoefficient(s: Scheme<unknown>): number {
  let m = 0;
  for (const M of [s.U, s.V, s.W]) for (const row of M) for (const x of row) m = Math.max(m, Math.abs(typeof x === 'number' ? x : Number(x)));
  return m;
}
