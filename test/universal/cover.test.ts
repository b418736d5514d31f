import { describe, expect, it } from 'vitest';
import { Fraction } from '../../src/field/index.ts';
import { coverPlan, coverTable, describePlan, planError, planScheme } from '../../src/universal/cover.ts';
import { subSchemes } from '../../src/universal/subschemes.ts';
import { exactError } from '../../src/universal/isotropic.ts';
import { hasShared } from '../helpers/shared.ts';

describe('exact sub-schemes embedded in the tile', () => {
  it('the verifier’s exact error equals uncovered/t³ for every r (t = 2, 3, built-in schemes only)', () => {
    for (const t of [2, 3]) {
      const table = coverTable(t, subSchemes(t, { published: false }));
      for (let r = 1; r <= t ** 3; r++) {
        const p = coverPlan(table, r);
        const s = planScheme(p);
        expect(s.U.length).toBe(r);
        expect(p.used).toBeLessThanOrEqual(r);
        expect(exactError(s).equals(planError(p))).toBe(true);
        expect(planError(p).equals(new Fraction(t ** 3 - p.covered, t ** 3))).toBe(true);
      }
      // r = rank of an exact scheme: error 0 (Strassen for t = 2, Laderman for t = 3).
      const exactRank = t === 2 ? 7 : 23;
      expect(exactError(planScheme(coverPlan(table, exactRank))).n).toBe(0n);
    }
  });

  it.skipIf(!hasShared)('<2,3,4>:20 + 4 naive products in <4,4,4>: error (64 − 28)/64 = 9/16 exactly', () => {
    const p = coverPlan(coverTable(4, subSchemes(4)), 24);
    expect(describePlan(p)).toBe('<2,3,4>:20 + 4 naive');
    expect(p.covered).toBe(28);
    expect(exactError(planScheme(p)).toFraction()).toBe('9/16');
  });

  it.skipIf(!hasShared)('packings at t = 4 beat the stl.md reference where the table says so', () => {
    const table = coverTable(4, subSchemes(4));
    const want: Record<number, string> = { 16: '45/64', 28: '15/32', 32: '25/64', 40: '7/32', 48: '0' };
    for (const [r, e] of Object.entries(want)) expect(planError(coverPlan(table, Number(r))).toFraction()).toBe(e);
  });
});
