import { describe, expect, it } from 'vitest';
import { Z2, Zp, isPrime } from '../../src/field/modular.ts';

describe('Z_p', () => {
  it('inverts every nonzero element', () => {
    for (const p of [2, 3, 5, 7, 101]) {
      const F = Zp(p);
      for (let a = 1; a < p; a++) expect(F.mul(a, F.inv(a))).toBe(1);
    }
  });
  it('handles primes near 2^31 without overflow', () => {
    const p = 2147483647;
    const F = Zp(p);
    const a = p - 2;
    expect(F.mul(a, a)).toBe(Number((BigInt(a) * BigInt(a)) % BigInt(p)));
    expect(F.mul(a, F.inv(a))).toBe(1);
  });
  it('maps rationals and refuses non-invertible denominators', () => {
    const F = Zp(7);
    expect(F.fromRational(1n, 2n)).toBe(4);
    expect(F.parse('-1')).toBe(6);
    expect(() => Z2.parse('1/2')).toThrow(/not invertible in Z2/);
    expect(() => Zp(9)).toThrow(/prime/);
    expect(isPrime(97)).toBe(true);
    expect(Z2.name).toBe('Z2');
  });
});
