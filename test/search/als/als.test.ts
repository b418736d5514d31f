import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/util/rng.ts';
import { alsHalfStep, alsRun, alsWork } from '../../../src/search/als/als.ts';
import { lmRun } from '../../../src/search/als/lm.ts';
import { cholesky, cholSolve } from '../../../src/search/als/linalg.ts';
import { denseProblem, matmulProblem, randomFactors, residualOf } from '../../../src/search/als/problem.ts';

describe('linear algebra', () => {
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
});

describe('ALS', () => {
  it('each half-step does not increase the objective (λ = 0: each is an exact minimisation)', () => {
    const P = matmulProblem([2, 2, 3], 10);
    const F = randomFactors(P, new Rng(3));
    const w = alsWork(P);
    let prev = residualOf(P, F);
    const start = prev;
    for (let it = 0; it < 20; it++) {
      for (const mode of [0, 1, 2] as const) {
        expect(alsHalfStep(P, F, mode, 0, 0, w)).toBe(true);
        const now = residualOf(P, F);
        expect(now).toBeLessThanOrEqual(prev * (1 + 1e-12) + 1e-14);
        prev = now;
      }
    }
    expect(prev).toBeLessThan(start / 2);
  });

  it('alsRun is seeded and reports its residual', () => {
    const a = alsRun({ format: [2, 2, 2], rank: 7, seed: 4, maxIters: 50, lambda: 1e-3 });
    const b = alsRun({ format: [2, 2, 2], rank: 7, seed: 4, maxIters: 50, lambda: 1e-3 });
    expect(a.iters).toBe(50);
    expect(Array.from(a.U)).toEqual(Array.from(b.U));
    expect(a.residual).toBe(b.residual);
    const P = matmulProblem([2, 2, 2], 7);
    expect(residualOf(P, a)).toBeCloseTo(a.residual, 12);
  });
});

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
