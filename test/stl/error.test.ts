import { describe, expect, it } from 'vitest';
import { builtinScheme } from '../../src/library/builtin.ts';
import { changeField } from '../../src/scheme/index.ts';
import { topEigen, worstCaseBound } from '../../src/stl/bound.ts';
import { empiricalError, isotropicError, residualTensor } from '../../src/stl/error.ts';
import { frobeniusSq, gaussianMatrix, matmul, matrix } from '../../src/stl/matrix.ts';
import { encodersFromScheme, stl } from '../../src/stl/operator.ts';
import { dropProducts, rotatedNaive } from './helpers.ts';

const boundOf = (s: Parameters<typeof residualTensor>[0]) => {
  const R = residualTensor(s);
  return worstCaseBound(R.data, R.dims);
};

describe('isotropic error', () => {
  it('is exactly 0 for exact schemes and an exact fraction for rational approximations', () => {
    expect(isotropicError(builtinScheme('strassen2'))).toEqual({ value: 0, fraction: '0', exact: true });
    // Strassen's product 7 is (a12 − a22)(b21 + b22) → c11: 2·2·1 = 4 unit terms of 8.
    expect(isotropicError(dropProducts('strassen', [6]))).toEqual({ value: 0.5, fraction: '1/2', exact: true });
    expect(isotropicError(dropProducts('naive-4x4x4', [1, 2, 3, 4]))).toMatchObject({ fraction: '1/16', exact: true });
  });

  it('is a float for R schemes (orthogonal rotations keep it)', () => {
    const e = isotropicError(rotatedNaive(4, 24, 1));
    expect(e.exact).toBe(false);
    expect(e.fraction).toBeUndefined();
    expect(e.value).toBeCloseTo(40 / 64, 12);
  });

  it('refuses schemes over Z_p', () => {
    expect(() => isotropicError(changeField(builtinScheme('strassen'), 'Z2'))).toThrow(/Z2 has no real-valued error/);
  });
});

describe('empirical error', () => {
  it('is ~0 for an exact scheme and the exact ratio on chosen matrices', () => {
    const enc = encodersFromScheme(builtinScheme('laderman'));
    expect(empiricalError(gaussianMatrix(7, 8, 1), gaussianMatrix(8, 5, 2), enc)).toBeLessThan(1e-26);
    // Dropping naive product (0,0,0) loses exactly A[0][0]·B[0][0] from C[0][0].
    const drop = encodersFromScheme(dropProducts('naive-2x2x2', [0]));
    const X = matrix(2, 2, [1, 0, 0, 0]), W = matrix(2, 2, [1, 0, 0, 0]);
    expect(empiricalError(X, W, drop)).toBe(1);
  });
});

describe('worst-case bound from flattenings', () => {
  it('is 0 for exact schemes', () => {
    const b = boundOf(builtinScheme('laderman'));
    expect([b.upper, b.lower, b.frobenius]).toEqual([0, 0, 0]);
  });

  it('is tight for a rank-one residual: one dropped product u⊗v⊗w gives ‖u‖‖v‖‖w‖', () => {
    const b = boundOf(dropProducts('strassen', [6]));
    for (const f of b.flattenings) expect(f).toBeCloseTo(2, 12);
    expect(b.lower).toBeCloseTo(2, 12);
    expect(b.frobenius).toBeCloseTo(2, 12);
    expect(boundOf(dropProducts('naive-3x3x3', [5])).upper).toBeCloseTo(1, 12);
  });

  it('brackets the operator norm: lower ≤ upper ≤ ‖R‖_F, and holds on random matrices of any shape', () => {
    for (const s of [rotatedNaive(4, 24, 2), dropProducts('strassen2', [3, 9, 30, 31]), rotatedNaive(3, 10, 5)]) {
      const b = boundOf(s);
      const e = isotropicError(s).value;
      const t = encodersFromScheme(s).t;
      expect(b.lower).toBeGreaterThan(0);
      expect(b.lower).toBeLessThanOrEqual(b.upper * (1 + 1e-12));
      expect(b.upper).toBeLessThanOrEqual(b.frobenius * (1 + 1e-12));
      expect(b.frobenius ** 2).toBeCloseTo(e * t ** 3, 10);
      const enc = encodersFromScheme(s);
      for (const [M, N, P, seed] of [[t, t, t, 1], [3 * t + 1, 2 * t, t + 2, 2], [20, 30, 10, 3]]) {
        const X = gaussianMatrix(M, N, seed), W = gaussianMatrix(N, P, seed + 100);
        const Z = stl(X, W, enc), XW = matmul(X, W);
        const err = Math.sqrt(frobeniusSq(Z.data.map((z, i) => z - XW.data[i])));
        expect(err).toBeLessThanOrEqual(b.upper * Math.sqrt(frobeniusSq(X.data) * frobeniusSq(W.data)));
      }
      // The witness tile pair reaches `lower` through the operator itself.
      const X = matrix(t, t, b.witness.x), W = matrix(t, t, b.witness.y);
      const Z = stl(X, W, enc), XW = matmul(X, W);
      expect(Math.sqrt(frobeniusSq(Z.data.map((z, i) => z - XW.data[i])))).toBeCloseTo(b.lower, 10);
    }
  });

  it('topEigen finds λ_max of symmetric matrices, with an upper bound above it', () => {
    // [[2,1],[1,2]] has eigenvalues 3 and 1.
    const e = topEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(e.value).toBeCloseTo(3, 14);
    expect(e.upper).toBeGreaterThanOrEqual(3);
    expect(Math.abs(e.vector[0])).toBeCloseTo(Math.SQRT1_2, 12);
    // Equal top eigenvalues (where power iteration has no gap to converge on).
    const eq = topEigen(Float64Array.from([5, 0, 0, 0, 5, 0, 0, 0, 1]), 3);
    expect(eq.value).toBe(5);
  });
});
