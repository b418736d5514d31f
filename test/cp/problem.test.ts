import { describe, expect, it } from 'vitest';
import { schemeFactors } from '../../src/cp/convert.ts';
import { balance, denseProblem, matmulProblem, randomFactors, residual, residualOf } from '../../src/cp/problem.ts';
import { strassen } from '../../src/library/builtin.ts';
import { Rng } from '../../src/util/rng.ts';

describe('CP problems', () => {
  it('matmulProblem holds <n,m,p> sparsely and densely; Strassen has residual 0', () => {
    const P = matmulProblem([2, 2, 2], 7);
    expect([P.a, P.b, P.c, P.r]).toEqual([4, 4, 4, 7]);
    expect(P.val.length).toBe(8);
    expect(P.tSq).toBe(8);
    expect(P.dense.reduce((s, x) => s + x, 0)).toBe(8);
    expect(residualOf(P, schemeFactors(strassen()))).toBe(0);
  });

  it('denseProblem skips zeros; residual forms e = T̂ − T', () => {
    const T = Float64Array.from([0, 2, 0, 0, 0, 0, -1, 0]); // 2×2×2
    const P = denseProblem([2, 2, 2], T, 1);
    expect(Array.from(P.idx)).toEqual([0, 0, 1, 1, 1, 0]);
    expect(Array.from(P.val)).toEqual([2, -1]);
    const F = { U: Float64Array.from([1, 0]), V: Float64Array.from([1, 0]), W: Float64Array.from([0, 2]) };
    const e = new Float64Array(8);
    expect(residual(P, F, e)).toBe(1);
    expect(Array.from(e, (x) => x + 0)).toEqual([0, 0, 0, 0, 0, 0, 1, 0]); // + 0: no signed zeros
  });

  it('randomFactors is seeded; balance equalises the three norms per product and keeps T̂', () => {
    const P = matmulProblem([2, 3, 2], 5);
    const F = randomFactors(P, new Rng(3));
    expect(Array.from(randomFactors(P, new Rng(3)).W)).toEqual(Array.from(F.W));
    F.U.forEach((_, i) => (F.U[i] *= 10));
    const before = residualOf(P, F);
    balance(P, F);
    expect(residualOf(P, F)).toBeCloseTo(before, 9);
    const norm = (X: Float64Array, d: number, l: number) => Math.hypot(...X.subarray(l * d, (l + 1) * d));
    for (let l = 0; l < P.r; l++) {
      expect(norm(F.U, P.a, l)).toBeCloseTo(norm(F.V, P.b, l), 12);
      expect(norm(F.V, P.b, l)).toBeCloseTo(norm(F.W, P.c, l), 12);
    }
  });
});
