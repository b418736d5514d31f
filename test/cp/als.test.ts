import { describe, expect, it } from 'vitest';
import { alsHalfStep, alsRun, alsWork, modeGram, ridge, scaledRidge } from '../../src/cp/als.ts';
import { copyFactors, type Factors } from '../../src/cp/factors.ts';
import { gramRows } from '../../src/cp/linalg.ts';
import { matmulProblem, randomFactors, residualOf, type CpProblem } from '../../src/cp/problem.ts';
import { Rng } from '../../src/util/rng.ts';

describe('ALS', () => {
  it('each half-step does not increase the objective (λ = 0: each is an exact minimisation)', () => {
    const P = matmulProblem([2, 2, 3], 10);
    const F = randomFactors(P, new Rng(3));
    const w = alsWork(P);
    let prev = residualOf(P, F);
    const start = prev;
    for (let it = 0; it < 20; it++) {
      for (const mode of [0, 1, 2] as const) {
        expect(alsHalfStep(P, F, mode, ridge(0), w)).toBe(true);
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

/** Σ_l ‖u_l‖²‖v_l‖²‖w_l‖², the penalty scaledRidge adds (μ times it). */
function productWeightSum(P: CpProblem, F: Factors): number {
  const sq = (X: Float64Array, d: number, l: number) => X.subarray(l * d, (l + 1) * d).reduce((s, x) => s + x * x, 0);
  let s = 0;
  for (let l = 0; l < P.r; l++) s += sq(F.U, P.a, l) * sq(F.V, P.b, l) * sq(F.W, P.c, l);
  return s;
}

describe('regularisers of the half-step', () => {
  it('modeGram is (YYᵀ)∘(ZZᵀ) of the two other factors', () => {
    const P = matmulProblem([2, 3, 2], 4);
    const F = randomFactors(P, new Rng(2));
    const G = new Float64Array(16), G2 = new Float64Array(16);
    modeGram(P, F, 1, G, G2);
    const GU = gramRows(F.U, 4, P.a, new Float64Array(16)), GW = gramRows(F.W, 4, P.c, new Float64Array(16));
    expect(Array.from(G)).toEqual(Array.from(GU, (x, i) => x * GW[i]));
  });

  it('scaledRidge is plain ALS at μ = 0 and minimises ‖T − T̂‖² + μΣ‖u‖²‖v‖²‖w‖² in its mode', () => {
    const P = matmulProblem([2, 2, 2], 5);
    const F0 = randomFactors(P, new Rng(3), 1);
    const A = copyFactors(F0), B = copyFactors(F0);
    alsHalfStep(P, A, 1, ridge(0, 0), alsWork(P));
    alsHalfStep(P, B, 1, scaledRidge(0, 0), alsWork(P));
    for (let i = 0; i < A.V.length; i++) expect(B.V[i]).toBeCloseTo(A.V[i], 10);

    const mu = 0.3;
    const f = (G: Factors) => residualOf(P, G) + mu * productWeightSum(P, G);
    const C = copyFactors(F0);
    alsHalfStep(P, C, 0, scaledRidge(mu, 0), alsWork(P));
    const fc = f(C);
    expect(fc).toBeLessThan(f(F0));
    // Any change of U alone raises f: C is the minimiser in mode 0.
    const rng = new Rng(9);
    for (let k = 0; k < 20; k++) {
      const D = copyFactors(C);
      for (let i = 0; i < D.U.length; i++) D.U[i] += 1e-3 * rng.normal();
      expect(f(D)).toBeGreaterThan(fc);
    }
  });

  it('ridge minimises ‖T − T̂‖² + λ‖X‖² + μ‖X − X_prev‖² in its mode', () => {
    const P = matmulProblem([2, 2, 2], 6);
    const F0 = randomFactors(P, new Rng(4), 1);
    const lambda = 0.05, prox = 0.2;
    const C = copyFactors(F0);
    alsHalfStep(P, C, 2, ridge(lambda, prox), alsWork(P));
    const sq = (X: Float64Array) => X.reduce((s, x) => s + x * x, 0);
    const f = (G: Factors) => residualOf(P, G) + lambda * sq(G.W) + prox * sq(G.W.map((x, i) => x - F0.W[i]));
    const fc = f(C);
    const rng = new Rng(5);
    for (let k = 0; k < 20; k++) {
      const D = copyFactors(C);
      for (let i = 0; i < D.W.length; i++) D.W[i] += 1e-3 * rng.normal();
      expect(f(D)).toBeGreaterThan(fc);
    }
  });

  it('a singular normal matrix (a zero product) gets a tiny jitter instead of failing', () => {
    const P = matmulProblem([2, 2, 2], 8);
    for (const reg of [ridge(0), scaledRidge(0.1, 0)]) {
      const F = randomFactors(P, new Rng(6));
      F.V.fill(0, 0, P.b); // product 0 has v = 0: row and column 0 of the U normal matrix vanish
      const G = new Float64Array(64), G2 = new Float64Array(64);
      modeGram(P, F, 0, G, G2);
      expect(G[0]).toBe(0);
      expect(alsHalfStep(P, F, 0, reg, alsWork(P))).toBe(true);
      expect(Array.from(F.U.subarray(0, P.a)).every((x) => x === 0)).toBe(true);
      expect(F.U.every(Number.isFinite)).toBe(true);
    }
  });
});
