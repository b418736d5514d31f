import { describe, expect, it } from 'vitest';
import { cholesky, cholSolve, freedomFromNormal } from '../../../src/search/als/linalg.ts';

describe('als linalg', () => {
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
});
