import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/rng.ts';
import { strassen } from '../../src/library/builtin.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { lmRun } from '../../src/cp/lm.ts';
import type { Factors } from '../../src/cp/factors.ts';
import { matmulProblem, randomFactors, residualOf } from '../../src/cp/problem.ts';
import { nearestRational, roundScheme } from '../../src/cp/round.ts';

function floatCopy(noise: number, seed: number): Factors {
  const s = strassen(), rng = new Rng(seed);
  const flat = (M: readonly (readonly { s: bigint; n: bigint; d: bigint }[])[]) =>
    Float64Array.from(M.flat().map((x) => Number(x.s * x.n) / Number(x.d) + noise * rng.normal()));
  return { U: flat(s.U), V: flat(s.V), W: flat(s.W) };
}

describe('rounding', () => {
  it('finds the simplest rational and falls back to continued fractions', () => {
    expect(nearestRational(0.3333333333333, 8)).toEqual([1, 3]);
    expect(nearestRational(-0.75 + 1e-12, 8)).toEqual([-3, 4]);
    expect(nearestRational(2, 8)).toEqual([2, 1]);
    expect(nearestRational(Math.PI, 8)).toEqual([22, 7]);
    expect(nearestRational(0.61803398875, 8)).toEqual([5, 8]);
  });

  it('turns a perturbed exact Strassen back into an exact scheme', () => {
    const r = roundScheme([2, 2, 2], floatCopy(1e-9, 1));
    expect(r.scheme).not.toBeNull();
    const rep = verifyScheme(r.scheme!);
    expect(rep.kind === 'exact' && rep.exact).toBe(true);
    expect(r.scheme!.fieldTag).toBe('Z');
  });

  it('sparsifies a generic exact float solution into an exact scheme', () => {
    // A random point of the Strassen orbit, found numerically: no coordinate is near a simple value.
    const P = matmulProblem([2, 2, 2], 7);
    const F = randomFactors(P, new Rng(1));
    lmRun(P, F, { maxIters: 100, lambda: 1e-3, lambdaDecay: 1 });
    lmRun(P, F, { maxIters: 300, lambda: 1e-3, lambdaDecay: 0.9, lambdaMin: 1e-9, tol: 1e-26 });
    expect(residualOf(P, F)).toBeLessThan(1e-20);
    const r = roundScheme([2, 2, 2], F);
    expect(r.pinned).toBeGreaterThan(0);
    const rep = verifyScheme(r.scheme!);
    expect(rep.kind === 'exact' && rep.exact).toBe(true);
  });

  it('refuses a genuinely approximate decomposition', () => {
    // Rank 6 cannot compute <2,2,2>: the best float fit leaves a residual of about 1.
    const P = matmulProblem([2, 2, 2], 6);
    const F = randomFactors(P, new Rng(3));
    lmRun(P, F, { maxIters: 200 });
    expect(residualOf(P, F)).toBeGreaterThan(0.1);
    expect(roundScheme([2, 2, 2], F).scheme).toBeNull();
    // Too far from Strassen for rounding, and not a float solution either.
    expect(roundScheme([2, 2, 2], floatCopy(0.3, 2)).scheme).toBeNull();
  });
});
