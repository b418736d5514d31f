import { describe, expect, it } from 'vitest';
import { copyFactors, copyFactorsInto, extrapolate, extrapolateFactors, resizeFactors, schemeNormSq, type Factors } from '../../src/cp/factors.ts';
import { matmulProblem, randomFactors, residualOf } from '../../src/cp/problem.ts';
import { Rng } from '../../src/util/rng.ts';

const F = (U: number[], V: number[], W: number[]): Factors => ({ U: Float64Array.from(U), V: Float64Array.from(V), W: Float64Array.from(W) });

describe('factors', () => {
  it('copies are independent; copyFactorsInto overwrites in place', () => {
    const A = F([1, 2], [3, 4], [5, 6]);
    const B = copyFactors(A);
    B.U[0] = 9;
    expect(A.U[0]).toBe(1);
    copyFactorsInto(A, B);
    expect(Array.from(A.U)).toEqual([9, 2]);
  });

  it('extrapolateFactors steps prev + s·(cur − prev)', () => {
    const G = extrapolateFactors(F([0, 1], [1, 1], [2, 0]), F([1, 1], [1, 3], [0, 0]), 2);
    expect([Array.from(G.U), Array.from(G.V), Array.from(G.W)]).toEqual([[2, 1], [1, 5], [-2, 0]]);
  });

  it('extrapolate keeps the step ∛(sweep+1) only when it lowers the objective', () => {
    // f = ‖U − 10‖²: along the direction prev → cur it keeps falling past cur.
    const f = (G: Factors) => G.U.reduce((s, x) => s + (x - 10) ** 2, 0);
    const prev = F([0], [0], [0]), cur = F([1], [0], [0]);
    expect(extrapolate(prev, cur, 7, f)).toBe(64); // s = 2: U = 2
    expect(cur.U[0]).toBe(2);
    // Past the minimum the step is refused and F stays.
    const far = F([9], [0], [0]);
    expect(extrapolate(F([0], [0], [0]), far, 26, f)).toBe(1); // s = 3 would reach 27
    expect(far.U[0]).toBe(9);
  });

  it('resizeFactors keeps the first r products or appends zero ones', () => {
    const A = F([1, 2, 3, 4], [5, 6, 7, 8], [1, 1, 1, 1]);
    expect(Array.from(resizeFactors(A, 2, 1).V)).toEqual([5, 6]);
    expect(Array.from(resizeFactors(A, 2, 3).U)).toEqual([1, 2, 3, 4, 0, 0]);
  });

  it('schemeNormSq is ‖T̂‖², checked against dense residuals', () => {
    const P = matmulProblem([2, 3, 2], 5);
    const G = randomFactors(P, new Rng(4));
    // ‖T̂ − T‖² = ‖T̂‖² − 2⟨T, T̂⟩ + ‖T‖²; with G and −G the cross terms cancel.
    const minus = { U: G.U.map((x) => -x), V: G.V, W: G.W };
    const viaResidual = (residualOf(P, G) + residualOf(P, minus)) / 2 - P.tSq;
    expect(schemeNormSq(G, P.r, P.a, P.b, P.c)).toBeCloseTo(viaResidual, 9);
  });
});
