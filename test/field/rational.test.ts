import { describe, expect, it } from 'vitest';
import { Q, Fraction, ratToJSON } from '../../src/field/rational.ts';

describe('Q', () => {
  it('does exact arithmetic beyond 2^53', () => {
    const big = Q.fromInt(2n ** 80n);
    expect(Q.toString(Q.add(big, Q.one))).toBe('1208925819614629174706177');
    const third = Q.fromRational(1n, 3n);
    expect(Q.eq(Q.add(Q.add(third, third), third), Q.one)).toBe(true);
    expect(Q.toString(Q.inv(Q.parse('-2/3')))).toBe('-3/2');
  });
  it('refuses division by zero and prints JSON forms', () => {
    expect(() => Q.inv(Q.zero)).toThrow(/division by zero/);
    expect(ratToJSON(new Fraction(-5))).toBe(-5);
    expect(ratToJSON(new Fraction(1n, 8n))).toBe('1/8');
    expect(ratToJSON(new Fraction(2n ** 70n))).toBe((2n ** 70n).toString());
  });
});
