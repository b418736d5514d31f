import { describe, expect, it } from 'vitest';
import { changeField, narrowestRationalTag, SchemeError, type Scheme } from '../../src/scheme/index.ts';
import { C, type Fraction } from '../../src/field/index.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
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

describe('changing fields through toRational and toNumber', () => {
  it('maps Z2 to Q by the canonical lift, anything real to R (R itself unchanged), and refuses imaginary parts', () => {
    const z2 = changeField<unknown, number>(builtinScheme('strassen'), 'Z2');
    expect(changeField<number, Fraction>(z2, 'Q').U.flat().map((x) => x.valueOf())).toEqual(z2.U.flat());
    const r = changeField<unknown, number>(builtinScheme('winograd'), 'R');
    expect(changeField<number, number>(r, 'R').U).toEqual(r.U);
    const c = changeField<unknown, unknown>(builtinScheme('strassen'), 'C');
    expect(changeField<unknown, number>(c, 'R').W).toEqual(changeField<unknown, number>(builtinScheme('strassen'), 'R').W);
    const U = c.U.map((row) => [...row]);
    U[0][0] = C.parse([0, 1]);
    const imaginary = { ...c, U };
    expect(() => changeField(imaginary, 'R')).toThrow(SchemeError);
    expect(() => changeField(imaginary, 'Q')).toThrow(/nonzero imaginary part has no image outside C/);
  });
});
