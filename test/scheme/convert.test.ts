import { describe, expect, it } from 'vitest';
import { changeField, narrowestRationalTag, type Scheme } from '../../src/scheme/index.ts';
import type { Fraction } from '../../src/field/index.ts';
import { hasShared } from '../helpers/shared.ts';
import { sharedScheme } from '../helpers/load.ts';

describe.skipIf(!hasShared)('changing fields', () => {
  it('reduces, lifts and casts exactly', () => {
    const dps = sharedScheme('dps/json/4x4x4_48_rational.json') as Scheme<Fraction>;
    expect(narrowestRationalTag(dps)).toBe('Q');
    expect(changeField(dps, 'Z3').fieldTag).toBe('Z3');
    // 1/2 has no value mod 2.
    expect(() => changeField(dps, 'Z2')).toThrow(/not invertible in Z2/);
    const r = changeField(dps, 'R') as Scheme<number>;
    expect(r.U.flat().every((x) => typeof x === 'number')).toBe(true);
    expect(() => changeField(r, 'Q')).toThrow(/no exact rational value/);
  });
});
