import { describe, expect, it } from 'vitest';
import { R } from '../../src/field/real.ts';

describe('R', () => {
  it('is marked inexact and parses decimals and rationals', () => {
    expect(R.exact).toBe(false);
    expect(R.parse(0.25)).toBe(0.25);
    expect(R.parse('1e-3')).toBe(0.001);
    expect(R.parse('1/4')).toBe(0.25);
    expect(() => R.parse('x')).toThrow();
    expect(() => R.parse(Infinity)).toThrow(/finite/);
  });
});
