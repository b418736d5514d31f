import { describe, expect, it } from 'vitest';
import { Fraction, Q, Zp } from '../../src/field/index.ts';
import { applyBilinear, applyMatmul, changeField, type Scheme } from '../../src/scheme/index.ts';
import { hasShared } from '../helpers/shared.ts';
import { sharedScheme } from '../helpers/load.ts';

describe.skipIf(!hasShared)('applying schemes to inputs', () => {
  it('Laderman-rank <3,3,3>:23 multiplies rational matrices exactly', () => {
    const s = sharedScheme('alphatensor/json-r/3x3x3_r23_Z.json') as Scheme<Fraction>;
    const A = [[1, 2, 3], [4, 5, 6], [7, 8, 10]].map((r) => r.map((x) => new Fraction(x, 3)));
    const B = [[2, -1, 0], [0, 1, 5], [-3, 2, 1]].map((r) => r.map((x) => Q.fromInt(x)));
    const C = applyMatmul(s, A, B);
    for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) {
      let want = new Fraction(0);
      for (let j = 0; j < 3; j++) want = want.add(A[i][j].mul(B[j][k]));
      expect(C[i][k].equals(want)).toBe(true);
    }
  });
  it('works over Z_p and checks input shapes', () => {
    const s = changeField(sharedScheme('alphatensor/json-r/2x2x2_r7_Z.json'), 'Z7') as Scheme<number>;
    const F = Zp(7);
    const C = applyMatmul(s, [[1, 2], [3, 4]], [[5, 6], [0, 1]]);
    expect(C).toEqual([[5, 8], [15, 22]].map((r) => r.map((x) => F.fromInt(x))));
    expect(() => applyMatmul(s, [[1, 2]], [[5, 6], [0, 1]])).toThrow(/A must be 2×2/);
    expect(() => applyBilinear(s, [1], [1, 2, 3, 4])).toThrow(/lengths/);
  });
});
