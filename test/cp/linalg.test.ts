import { describe, expect, it } from 'vitest';
import { cholesky, cholSolve, freedomFromNormal, gramRows, invRowNormsSq, sumSq } from '../../src/cp/linalg.ts';
import { Rng } from '../../src/util/rng.ts';

describe('cp linalg', () => {
  it('Cholesky solves an SPD system', () => {
    const rng = new Rng(5), n = 9;
    const B = Array.from({ length: n * n }, () => rng.normal());
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
      A[i * n + j] = s;
    }
    const x = Array.from({ length: n }, () => rng.normal());
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += A[i * n + j] * x[j];
    const L = A.slice();
    expect(cholesky(L, n)).toBe(true);
    cholSolve(L, n, b);
    for (let i = 0; i < n; i++) expect(b[i]).toBeCloseTo(x[i], 10);
    expect(cholesky(new Float64Array([1, 2, 2, 1]), 2)).toBe(false);
  });

  it('cholesky + cholSolve solve an SPD system; a singular matrix is refused', () => {
    const A = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]);
    const L = A.slice();
    expect(cholesky(L, 3)).toBe(true);
    const b = Float64Array.from([2, 3, 4]);
    cholSolve(L, 3, b);
    const Ax = [0, 1, 2].map((i) => [0, 1, 2].reduce((s, j) => s + A[i * 3 + j] * b[j], 0));
    Ax.forEach((v, i) => expect(v).toBeCloseTo([2, 3, 4][i], 12));
    expect(cholesky(Float64Array.from([1, 1, 1, 1]), 2)).toBe(false);
  });

  it('freedomFromNormal: ≈1 along a direction the residual does not see, ≈0 where it pins, 0 when frozen', () => {
    // H = diag(1, 0, 1): coordinate 1 is free, 0 and 2 are held.
    const H = Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0, 1]);
    const f = freedomFromNormal(H, 3, new Uint8Array(3));
    expect(f[1]).toBeCloseTo(1, 6);
    expect(f[0]).toBeLessThan(1e-5);
    expect(f[2]).toBeLessThan(1e-5);
    const g = freedomFromNormal(H, 3, Uint8Array.from([0, 1, 0]));
    expect(g[1]).toBe(0);
    expect(g[0]).toBeLessThan(1e-5);
  });

  it('gramRows, sumSq and invRowNormsSq agree with direct computation', () => {
    const X = Float64Array.from([1, 2, 0, -1, 3, 1]); // 2 rows of length 3
    expect(Array.from(gramRows(X, 2, 3, new Float64Array(4)))).toEqual([5, 5, 5, 11]);
    expect(sumSq(X)).toBe(16);
    // L = [[2, 0], [1, 1]]: L⁻¹ = [[1/2, 0], [−1/2, 1]], row norms² 1/4 and 5/4.
    const L = Float64Array.from([2, 0, 1, 1]);
    const out = invRowNormsSq(L, 2, new Float64Array(2));
    expect(out[0]).toBeCloseTo(0.25, 15);
    expect(out[1]).toBeCloseTo(1.25, 15);
  });
});
