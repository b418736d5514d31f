import { describe, expect, it } from 'vitest';
import { C } from '../../src/field/gaussian.ts';

describe('C (Gaussian rationals)', () => {
  it('multiplies and inverts exactly', () => {
    const i = C.parse([0, 1]);
    expect(C.eq(C.mul(i, i), C.neg(C.one))).toBe(true);
    const z = C.parse(['1/2', '-1/2']);
    expect(C.eq(C.mul(z, C.inv(z)), C.one)).toBe(true);
    expect(C.toJSON(C.mul(z, z))).toEqual([0, '-1/2']);
    expect(C.toString(C.parse([1, -2]))).toBe('(1-2i)');
  });
  it('rejects malformed pairs', () => {
    expect(() => C.parse([1, 2, 3])).toThrow(/pair/);
    expect(() => C.parse([1, 'x'])).toThrow();
  });
});
