import { describe, expect, it } from 'vitest';
import { FieldError, parseRational } from '../../src/field/field.ts';

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
