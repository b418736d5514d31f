import { describe, expect, it } from 'vitest';
import { FieldError, parseRational } from '../../src/field/field.ts';
import { C, Q, R, Z2, Zp } from '../../src/field/index.ts';

describe('parseRational', () => {
  it('reads integers and p/q strings exactly', () => {
    expect(parseRational(3)).toEqual([3n, 1n]);
    expect(parseRational('-7')).toEqual([-7n, 1n]);
    expect(parseRational('-1/8')).toEqual([-1n, 8n]);
    expect(parseRational('123456789012345678901234567890')).toEqual([123456789012345678901234567890n, 1n]);
  });
  it('refuses what would be lossy or meaningless', () => {
    expect(() => parseRational(0.5)).toThrow(FieldError);
    expect(() => parseRational(2 ** 60)).toThrow(/too large/);
    expect(() => parseRational('1/0')).toThrow(/denominator zero/);
    expect(() => parseRational('abc')).toThrow(/expected an integer or a "p\/q" string/);
    expect(() => parseRational(null)).toThrow(/null/);
    expect(() => parseRational([1, 2])).toThrow(/array/);
  });
});

describe('toRational and toNumber', () => {
  it('give the exact rational and its float64 where the field has them', () => {
    expect(Q.toRational(Q.fromRational(-6n, 4n))).toEqual([-3n, 2n]);
    expect(Q.toNumber(Q.fromRational(-3n, 2n))).toBe(-1.5);
    expect(Q.toNumber(Q.fromRational(1n, 3n))).toBe(1 / 3);
    expect(C.toRational(C.parse(['1/2', 0]))).toEqual([1n, 2n]);
    expect(C.toNumber(C.parse([-3, 0]))).toBe(-3);
    expect(R.toNumber(0.1)).toBe(0.1);
    expect(Zp(7).toNumber(Zp(7).fromInt(-1))).toBe(6);
  });

  it('refuse with a FieldError where there is no such value', () => {
    expect(() => C.toRational(C.parse([0, 1]))).toThrow(/nonzero imaginary part/);
    expect(() => C.toNumber(C.parse([1, 1]))).toThrow(FieldError);
    expect(() => R.toRational(0.5)).toThrow(/coefficients over R have no exact rational value/);
    expect(() => Z2.toRational(1)).toThrow(/coefficients over Z2 have no exact rational value/);
    expect(() => Zp(5).toRational(3)).toThrow(FieldError);
  });
});
