import { describe, expect, it } from 'vitest';
import type { Scheme } from '../../src/scheme/index.ts';
import { kappa, kappaToError, predictedRoundingError } from '../../src/stl/lowprec.ts';
import { DEFAULT_MAX_BF16_ERROR, kappaForBf16Error, universalSearchWithinBf16Error } from '../../src/universal/roundingbound.ts';

describe('universal search under a bf16 error bound', () => {
  it('the κ bound is the model’s inverse: σ√(3κ² + 1) = 2 % at κ ≈ 6.925', () => {
    const k = kappaForBf16Error(DEFAULT_MAX_BF16_ERROR);
    expect(k).toBeCloseTo(6.925, 3);
    expect(kappaToError(k, { dtype: 'bf16', storeProducts: true })).toBeCloseTo(0.02, 12);
  });

  it('the scheme it returns has a simulated unfused bf16 error within the bound (tightening κ where the simulation exceeds the model)', { timeout: 60_000 }, () => {
    // t = 2, r = 5: the winner on the model's boundary simulates at 2.003 %, so one tightening is needed.
    const { res, modelKappa, maxKappa, low, tightened } = universalSearchWithinBf16Error({ t: 2, r: 5, seed: 1, restarts: 2 }, 0.02);
    const s = res.best.scheme as Scheme<unknown>;
    const sim = predictedRoundingError(s, { dtype: 'bf16', storeProducts: true }).mean;
    expect(sim).toBe(low.bf16Unfused);
    expect(sim).toBeLessThanOrEqual(0.02);
    expect(kappa(s)).toBeLessThanOrEqual(maxKappa + 1e-12);
    expect(modelKappa).toBe(kappaForBf16Error(0.02));
    for (const x of tightened) expect(x.before).toBeGreaterThan(0.02);
    if (tightened.length) {
      expect(maxKappa).toBeLessThan(modelKappa);
      expect(res.best.how).toMatch(/refined again under κ ≤ /);
      expect(res.best.scheme.meta.isotropicError).toBe(res.best.error);
    }
  });
});
