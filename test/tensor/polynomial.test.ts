import { describe, expect, it } from 'vitest';
import { Q } from '../../src/field/index.ts';
import { applyTensor } from '../../src/tensor/tensor.ts';
import { cyclicConvTensor, polymulTensor } from '../../src/tensor/polynomial.ts';

const ints = (xs: number[]) => xs.map((x) => Q.fromInt(x));

describe('polynomial tensors', () => {
  it('multiplies polynomials', () => {
    // (1 + 2x)(3 + x + x^2) = 3 + 7x + 3x^2 + 2x^3
    const out = applyTensor(polymulTensor(1, 2), Q, ints([1, 2]), ints([3, 1, 1]));
    expect(out.map(Number)).toEqual([3, 7, 3, 2]);
  });
  it('convolves cyclically', () => {
    const out = applyTensor(cyclicConvTensor(3), Q, ints([1, 2, 3]), ints([1, 0, 1]));
    // z_k = Σ_{i+j≡k} x_i y_j
    expect(out.map(Number)).toEqual([1 + 2, 2 + 3, 3 + 1]);
  });
});
