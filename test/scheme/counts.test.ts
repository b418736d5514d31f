import { describe, expect, it } from 'vitest';
import { Fraction, Q, R } from '../../src/field/index.ts';
import { counts, makeScheme, maxAbsCoefficient } from '../../src/scheme/index.ts';
import { hasShared } from '../helpers/shared.ts';
import { sharedScheme } from '../helpers/load.ts';

describe.skipIf(!hasShared)('counts', () => {
  it('counts Strassen: 7 products, 18 additions in the naive evaluation', () => {
    const c = counts(sharedScheme('fast-matmul/json/strassen.json'));
    expect(c.rank).toBe(7);
    expect(c.additions.total).toBe(18);
    expect(c.coefficients).toEqual(['-1', '0', '1']);
    expect(c.scalings).toBe(0);
  });
  it('matches the published naive addition counts of <4,4,4>:49 (318) and the DPS 48 (960)', () => {
    expect(counts(sharedScheme('perminov/json/4x4x4_m49_ZT.json')).additions.total).toBe(318);
    const dps = counts(sharedScheme('dps/json/4x4x4_48_rational.json'));
    expect(dps.additions.total).toBe(960);
    expect(dps.scalings).toBeGreaterThan(0);
  });
});

describe('maxAbsCoefficient', () => {
  it('takes |x| over U, V, W for float and rational schemes', () => {
    const real = makeScheme({ field: R, fieldTag: 'R', target: { kind: 'matmul', format: [1, 1, 1] }, U: [[0.5], [-3]], V: [[1], [2]], W: [[-2.5], [0]] });
    expect(maxAbsCoefficient(real)).toBe(3);
    const rat = makeScheme({ field: Q, fieldTag: 'Q', target: { kind: 'matmul', format: [1, 1, 1] }, U: [[new Fraction(-7, 2)]], V: [[new Fraction(1)]], W: [[new Fraction(1, 3)]] });
    expect(maxAbsCoefficient(rat)).toBe(3.5);
  });
});
