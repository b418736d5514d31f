import { describe, expect, it } from 'vitest';
import { lmRun } from '../../src/cp/lm.ts';
import { denseProblem, matmulProblem, randomFactors, residualOf } from '../../src/cp/problem.ts';
import { Rng } from '../../src/util/rng.ts';

describe('Levenberg–Marquardt', () => {
  it('recovers a random tensor of exact rank r from a random start', () => {
    const rng = new Rng(11);
    const [a, b, c, r] = [4, 5, 3, 4];
    const T = new Float64Array(a * b * c);
    for (let l = 0; l < r; l++) {
      const u = Array.from({ length: a }, () => rng.normal()), v = Array.from({ length: b }, () => rng.normal()), w = Array.from({ length: c }, () => rng.normal());
      for (let x = 0; x < a; x++) for (let y = 0; y < b; y++) for (let z = 0; z < c; z++) T[(x * b + y) * c + z] += u[x] * v[y] * w[z];
    }
    const P = denseProblem([a, b, c], T, r);
    const F = randomFactors(P, new Rng(2));
    const before = residualOf(P, F);
    const res = lmRun(P, F, { maxIters: 200 });
    expect(res.residual).toBeLessThan(1e-20 * before);
    expect(residualOf(P, F)).toBe(res.residual);
  });

  it('leaves frozen coordinates alone', () => {
    const P = matmulProblem([2, 2, 2], 7);
    const F = randomFactors(P, new Rng(8));
    const frozen = new Uint8Array(7 * 12);
    for (let i = 0; i < 28; i++) frozen[i] = 1;
    const U0 = Array.from(F.U);
    const res = lmRun(P, F, { maxIters: 20, frozen });
    expect(Array.from(F.U)).toEqual(U0);
    expect(res.residual).toBeLessThan(residualOf(P, randomFactors(P, new Rng(8))));
  });
});
