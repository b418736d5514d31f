import { describe, expect, it } from 'vitest';
import { symmetricAlsSearch, symmetricScheme, randomStart, roundSymmetric } from '../../../src/search/als/symmetric.ts';
import { symNormal, symProblem, symResidual, type SymProblem } from '../../../src/search/als/symmetric-lm.ts';
import { diagonaliseFixed } from '../../../src/search/als/symmetric-gauge.ts';
import { cyclicInvariance } from '../../../src/search/flip/cyclic-check.ts';
import { Fraction } from '../../../src/field/index.ts';
import { Rng } from '../../../src/util/rng.ts';
import { verifyScheme } from '../../../src/verify/index.ts';

/** The naive algorithm as parameters: orbits of (E_ij, E_jk, E_ki), fixed E_ii. */
function naiveParams(n: number): { P: SymProblem; x: Float64Array } {
  const q = n * n, reps: number[][] = [], fixed: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) {
    const c = [i * n + j, j * n + k, k * n + i];
    const key = (t: number[]) => (t[0] * q + t[1]) * q + t[2];
    if (i === j && j === k) fixed.push(c[0]);
    else if (key(c) < key([c[1], c[2], c[0]]) && key(c) < key([c[2], c[0], c[1]])) reps.push(c);
  }
  const P = symProblem(n, reps.length, fixed.length), x = new Float64Array(P.N);
  reps.forEach((r, l) => r.forEach((cell, s) => (x[(3 * l + s) * q + cell] = 1)));
  fixed.forEach((cell, j) => (x[(3 * reps.length + j) * q + cell] = 1));
  return { P, x };
}

const residualOf = (P: SymProblem, x: Float64Array) => symResidual(P, x, new Float64Array(P.target.length));
const exact = (s: ReturnType<typeof symmetricScheme>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

describe('symmetric problem', () => {
  it('the naive algorithm, as orbits plus fixed terms, has residual 0 and expands to a verified invariant scheme', () => {
    for (const n of [2, 3]) {
      const { P, x } = naiveParams(n);
      expect([P.k, P.f]).toEqual([(n ** 3 - n) / 3, n]);
      expect(residualOf(P, x)).toBe(0);
      const s = symmetricScheme(n, P.k, P.f, Array.from(x, (v) => new Fraction(v)));
      expect(exact(s)).toBe(true);
      expect(cyclicInvariance(s)).toEqual({ invariant: true, orbits: P.k, fixed: P.f });
      // One entry off is a residual of 3 (its orbit's three cells) or 1 (a fixed term's cell … and more).
      const y = x.slice();
      y[0] += 1;
      expect(residualOf(P, y)).toBeGreaterThan(0.5);
    }
  });

  it('JᵀJ and Jᵀe match finite differences of the residual', () => {
    const P = symProblem(2, 2, 1), x = randomStart(P, new Rng(3));
    const e = new Float64Array(P.target.length), H = new Float64Array(P.N * P.N), g = new Float64Array(P.N);
    symResidual(P, x, e);
    symNormal(P, x, e, H, g);
    const h = 1e-6, column = (i: number) => {
      const up = x.slice(), dn = x.slice(), eu = new Float64Array(e.length), ed = new Float64Array(e.length);
      up[i] += h;
      dn[i] -= h;
      symResidual(P, up, eu);
      symResidual(P, dn, ed);
      return Array.from(eu, (v, r) => (v - ed[r]) / (2 * h));
    };
    const cols = Array.from({ length: P.N }, (_, i) => column(i));
    for (let i = 0; i < P.N; i++) {
      expect(g[i]).toBeCloseTo(cols[i].reduce((s, v, r) => s + v * e[r], 0), 6);
      for (let j = 0; j < P.N; j += 5) expect(H[i * P.N + j]).toBeCloseTo(cols[i].reduce((s, v, r) => s + v * cols[j][r], 0), 6);
    }
    // H is symmetric.
    for (let i = 0; i < P.N; i++) for (let j = 0; j < i; j++) expect(H[i * P.N + j]).toBeCloseTo(H[j * P.N + i], 12);
  });

  it('conjugating by a fixed term eigenbasis keeps the decomposition exact and makes the fixed terms diagonal', () => {
    const { P, x } = naiveParams(3);
    // Hide the naive algorithm behind a random conjugation a ↦ MaM⁻¹ (M unipotent: M⁻¹ is exact).
    const n = 3, q = 9, L = [1, 0, 0, 0.7, 1, 0, -0.4, 0.3, 1], Linv = [1, 0, 0, -0.7, 1, 0, 0.61, -0.3, 1];
    const mul = (A: ArrayLike<number>, B: ArrayLike<number>) => Array.from({ length: q }, (_, t) => {
      const i = Math.floor(t / n), j = t % n;
      let s = 0;
      for (let r = 0; r < n; r++) s += A[i * n + r] * B[r * n + j];
      return s;
    });
    expect(mul(L, Linv).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    for (let b = 0; b < 3 * P.k + P.f; b++) x.set(mul(mul(L, x.subarray(b * q, (b + 1) * q)), Linv), b * q);
    expect(residualOf(P, x)).toBeLessThan(1e-20);
    const d0 = Array.from(x.subarray(3 * P.k * q, 3 * P.k * q + q));
    expect(d0.filter((v) => Math.abs(v) > 1e-9).length).toBeGreaterThan(1);
    expect(diagonaliseFixed(P, x)).toBe(true);
    expect(residualOf(P, x)).toBeLessThan(1e-20);
    for (let j = 0; j < P.f; j++) {
      const d = x.subarray((3 * P.k + j) * q, (3 * P.k + j + 1) * q);
      for (let t = 0; t < q; t++) if (t % (n + 1) !== 0) expect(Math.abs(d[t])).toBeLessThan(1e-9);
    }
    // The conjugated naive algorithm rounds back to an exact scheme.
    const s = roundSymmetric(P, x, { maxDen: 8 });
    expect(s && exact(s)).toBe(true);
  });
});

describe('symmetricAlsSearch', () => {
  it('finds a cyclic-invariant exact <2,2,2>:7 (2 orbits + 1 fixed, like Strassen), reproducibly', () => {
    const a = symmetricAlsSearch({ n: 2, orbits: 2, fixed: 1, seed: 1, timeLimitMs: 15_000 });
    expect(a.scheme).not.toBeNull();
    expect(a.scheme!.U.length).toBe(7);
    expect(exact(a.scheme!)).toBe(true);
    expect(cyclicInvariance(a.scheme!)).toEqual({ invariant: true, orbits: 2, fixed: 1 });
    const b = symmetricAlsSearch({ n: 2, orbits: 2, fixed: 1, seed: 1, timeLimitMs: 15_000 });
    expect(b.outcomes).toEqual(a.outcomes);
    expect(b.scheme!.U.map((r) => r.map(String))).toEqual(a.scheme!.U.map((r) => r.map(String)));
  }, 40_000);

  it('reports failure honestly: rank 6 = 2 orbits + 0 fixed does not exist', () => {
    const r = symmetricAlsSearch({ n: 2, orbits: 2, fixed: 0, seed: 1, restarts: 3 });
    expect(r.scheme).toBeNull();
    expect(r.outcomes).toEqual(['not-converged', 'not-converged', 'not-converged']);
    expect(r.bestResidual).toBeGreaterThan(0.1);
  });
});
