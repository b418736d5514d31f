import { describe, expect, it } from 'vitest';
import { Q, Zp } from '../../src/field/index.ts';
import { matInverse, matMul, transpose } from '../../src/scheme/matrix.ts';

describe('matrix helpers', () => {
  it('inverts over Q and Z_p and refuses singular matrices', () => {
    const A = [[2, 1], [7, 4]].map((r) => r.map((x) => Q.fromInt(x)));
    const I = matMul(Q, A, matInverse(Q, A));
    expect(I.map((r) => r.map((x) => x.toFraction()))).toEqual([['1', '0'], ['0', '1']]);
    const F = Zp(5);
    const B = [[1, 2], [3, 4]];
    expect(matMul(F, B, matInverse(F, B))).toEqual([[1, 0], [0, 1]]);
    expect(() => matInverse(F, [[1, 2], [2, 4]])).toThrow(/singular/);
    expect(transpose([[1, 2, 3]])).toEqual([[1], [2], [3]]);
  });
});
