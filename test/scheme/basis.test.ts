import { describe, expect, it } from 'vitest';
import { Fraction, Q } from '../../src/field/index.ts';
import { applyMatmul, changeBasis, type Scheme } from '../../src/scheme/index.ts';
import { hasShared } from '../helpers/shared.ts';
import { sharedScheme } from '../helpers/load.ts';

describe.skipIf(!hasShared)('basis change', () => {
  it('still multiplies matrices after a sandwich (P, Q, R)', () => {
    const s = sharedScheme('alphatensor/json-r/2x2x3_r11_Z.json') as Scheme<Fraction>;
    const q = (M: number[][]) => M.map((r) => r.map((x) => Q.fromInt(x)));
    const t = changeBasis(s, q([[1, 1], [0, 1]]), q([[2, 1], [1, 1]]), q([[1, 0, 2], [0, 1, 0], [1, 0, 1]]));
    expect(t.fieldTag).toBe('Z');
    const A = q([[1, -2], [3, 5]]), B = q([[2, 0, 1], [-1, 4, 3]]);
    expect(applyMatmul(t, A, B).map((r) => r.map(Number))).toEqual([[4, -8, -5], [1, 20, 18]]);
  });
});
