import { FieldError, type Field } from '../field/index.ts';

/** Dense matrices over a field as arrays of rows; small helpers for basis changes. */
export type Mat<E> = E[][];

export function matMul<E>(F: Field<E>, A: readonly (readonly E[])[], B: readonly (readonly E[])[]): Mat<E> {
  const n = A.length, m = B.length, p = B[0]?.length ?? 0;
  const out: Mat<E> = Array.from({ length: n }, () => new Array<E>(p).fill(F.zero));
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    const a = A[i][j];
    if (F.isZero(a)) continue;
    for (let k = 0; k < p; k++) out[i][k] = F.add(out[i][k], F.mul(a, B[j][k]));
  }
  return out;
}

export function transpose<E>(A: readonly (readonly E[])[]): Mat<E> {
  return (A[0] ?? []).map((_, j) => A.map((row) => row[j]));
}

/** Gauss–Jordan inverse; throws FieldError for a singular matrix. */
export function matInverse<E>(F: Field<E>, A: readonly (readonly E[])[]): Mat<E> {
  const n = A.length;
  const M = A.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? F.one : F.zero))]);
  for (let c = 0; c < n; c++) {
    const piv = M.findIndex((row, r) => r >= c && !F.isZero(row[c]));
    if (piv < 0) throw new FieldError('matrix is singular');
    [M[c], M[piv]] = [M[piv], M[c]];
    const inv = F.inv(M[c][c]);
    M[c] = M[c].map((x) => F.mul(x, inv));
    for (let r = 0; r < n; r++) {
      if (r === c || F.isZero(M[r][c])) continue;
      const f = M[r][c];
      M[r] = M[r].map((x, k) => F.sub(x, F.mul(f, M[c][k])));
    }
  }
  return M.map((row) => row.slice(n));
}

/** Row-major flat vector ↔ r×c matrix. */
export const unflatten = <E>(x: readonly E[], r: number, c: number): Mat<E> => Array.from({ length: r }, (_, i) => x.slice(i * c, (i + 1) * c));
export const flatten = <E>(A: readonly (readonly E[])[]): E[] => A.flat() as E[];
