import { describe, expect, it } from 'vitest';
import { Fraction, Q } from '../../src/field/index.ts';
import { applyTensor, frobeniusSq, makeTensor, tensorsEqual, TensorError } from '../../src/tensor/tensor.ts';

describe('makeTensor', () => {
  it('sums repeats, drops zeros and sorts', () => {
    const T = makeTensor([2, 2, 2], [
      { i: 1, j: 1, k: 1, v: 2 },
      { i: 0, j: 0, k: 0, v: 1 },
      { i: 1, j: 1, k: 1, v: -2 },
      { i: 0, j: 1, k: 0, v: new Fraction(1n, 2n) },
    ]);
    expect(T.entries.map((e) => [e.i, e.j, e.k, e.v.toFraction()])).toEqual([[0, 0, 0, '1'], [0, 1, 0, '1/2']]);
    expect(frobeniusSq(T).toFraction()).toBe('5/4');
  });
  it('refuses entries outside the box', () => {
    expect(() => makeTensor([1, 1, 1], [{ i: 1, j: 0, k: 0, v: 1 }])).toThrow(TensorError);
    expect(() => makeTensor([0, 1, 1], [])).toThrow(/positive/);
  });
  it('compares and evaluates', () => {
    const S = makeTensor([1, 2, 1], [{ i: 0, j: 1, k: 0, v: 3 }]);
    expect(tensorsEqual(S, makeTensor([1, 2, 1], [{ i: 0, j: 1, k: 0, v: 3 }]))).toBe(true);
    expect(tensorsEqual(S, makeTensor([1, 2, 1], [{ i: 0, j: 1, k: 0, v: 2 }]))).toBe(false);
    const out = applyTensor(S, Q, [Q.fromInt(2)], [Q.fromInt(5), Q.fromInt(7)]);
    expect(out.map((x) => x.toFraction())).toEqual(['42']);
  });
});
