import { describe, expect, it } from 'vitest';
import { floatScheme } from '../../src/cp/convert.ts';
import { copyFactors } from '../../src/cp/factors.ts';
import { randomFactors } from '../../src/cp/problem.ts';
import { Rng } from '../../src/util/rng.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { kappa } from '../../src/stl/lowprec.ts';
import { factorKappa, refineConditioned } from '../../src/universal/condition.ts';
import { refine } from '../../src/universal/refine.ts';
import { universalSearch } from '../../src/universal/multistart.ts';
import { certifiedError, floatError, tileProblem } from '../../src/universal/isotropic.ts';

describe('conditioned refinement', () => {
  it('respects κ ≤ K and lowers κ against the unconditioned refinement from the same start (t = 2, r = 5)', () => {
    // Unconditioned rank-5 approximations of <2,2,2> drift towards border rank: κ in the hundreds.
    const P = tileProblem(2, 5);
    let checked = 0;
    for (let seed = 1; seed <= 3; seed++) {
      const F0 = randomFactors(P, new Rng(seed), 1);
      const plain = copyFactors(F0);
      const ep = refine(P, plain, { maxSweeps: 600 }).error;
      const kp = factorKappa(P, plain);
      const K = 2;
      if (kp <= 2 * K) continue; // this start happened to end well conditioned anyway
      checked++;
      const cond = copyFactors(F0);
      const res = refine(P, cond, { maxSweeps: 600, maxKappa: K });
      expect(res.acceptable).toBe(true);
      const k = factorKappa(P, cond);
      expect(k).toBeLessThanOrEqual(K + 1e-9);
      expect(k).toBeLessThan(kp);
      expect(res.error).toBeCloseTo(floatError(P, cond), 12);
      // The bound costs error, but it still approximates better than keeping 5 naive products (3/8).
      expect(res.error).toBeGreaterThanOrEqual(ep - 1e-9);
      expect(res.error).toBeLessThan(3 / 8);
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('a tighter bound gives a smaller κ and a larger error (the trade-off is monotone on one start)', () => {
    const P = tileProblem(3, 10);
    const F0 = randomFactors(P, new Rng(2), 1);
    const out = [4, 2, 1.2].map((K) => {
      const F = copyFactors(F0);
      const res = refineConditioned(P, F, { maxKappa: K, maxSweeps: 800 });
      expect(res.kappa).toBeLessThanOrEqual(K + 1e-9);
      return res;
    });
    expect(out[2].error).toBeGreaterThan(out[0].error);
  });

  it('an infeasible bound leaves the start untouched and reports it', () => {
    const P = tileProblem(2, 3);
    const F = randomFactors(P, new Rng(1), 1);
    const before = copyFactors(F);
    // κ < 1 is impossible for 1 product and rare otherwise; with a start above it nothing qualifies.
    const res = refineConditioned(P, F, { maxKappa: 0.5, maxSweeps: 100 });
    expect(res.acceptable).toBe(false);
    expect(Array.from(F.U)).toEqual(Array.from(before.U));
  });
});

describe('universalSearch with maxKappa', () => {
  it('the scheme it returns has κ within the bound', { timeout: 20_000 }, () => {
    const res = universalSearch({ t: 2, r: 5, seed: 1, restarts: 4, maxSweeps: 400, maxKappa: 1.2, published: false });
    const s = res.best.scheme as Scheme<unknown>;
    expect(kappa(s)).toBeLessThanOrEqual(1.2 + 1e-9);
    // 5 naive products (κ = 1, e = 3/8) are always allowed.
    expect(certifiedError(s).value).toBeLessThanOrEqual(3 / 8 + 1e-12);
    expect(String(s.meta.source)).toContain('--max-kappa 1.2');
  });

  it('refines given schemes first (family "given")', { timeout: 20_000 }, () => {
    const P = tileProblem(2, 6);
    const F = randomFactors(P, new Rng(4), 1);
    refine(P, F, { maxSweeps: 300 });
    const res = universalSearch({ t: 2, r: 6, seed: 1, restarts: 0, maxSweeps: 300, maxKappa: 2, published: false, families: ['naive'], initial: [{ label: 'start.json', scheme: floatScheme([2, 2, 2], F) }] });
    expect(res.families[0]).toMatchObject({ family: 'given', starts: 1 });
    expect(kappa(res.best.scheme as Scheme<unknown>)).toBeLessThanOrEqual(2 + 1e-9);
  });
});
