import { describe, expect, it } from 'vitest';
import { gcd, lcm } from '../../src/util/bigint.ts';

describe('gcd, lcm', () => {
  it('gcd is non-negative whatever the signs, gcd(x, 0) = |x|', () => {
    expect(gcd(12n, 18n)).toBe(6n);
    expect(gcd(-12n, 18n)).toBe(6n);
    expect(gcd(12n, -18n)).toBe(6n);
    expect(gcd(-7n, 0n)).toBe(7n);
    expect(gcd(0n, 0n)).toBe(0n);
    expect(gcd(2n ** 80n * 3n, 2n ** 70n * 9n)).toBe(2n ** 70n * 3n);
  });
  it('lcm of positive integers', () => {
    expect(lcm(4n, 6n)).toBe(12n);
    expect(lcm(1n, 9n)).toBe(9n);
    expect(lcm(2n ** 64n, 3n)).toBe(3n * 2n ** 64n);
  });
});
