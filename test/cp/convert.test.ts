import { describe, expect, it } from 'vitest';
import { encodersFromScheme, encodersOfFactors, encodersToScheme, factorsOfEncoders, floatScheme, rowsOf, schemeFactors } from '../../src/cp/convert.ts';
import { Zp } from '../../src/field/index.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { changeField, makeScheme, type Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';

describe('Scheme ↔ Factors', () => {
  it('schemeFactors flattens the rows; floatScheme rebuilds them for any <n,m,p>', () => {
    const s = builtinScheme('strassen-join-2x2x3');
    const F = schemeFactors(s);
    expect([F.U.length, F.V.length, F.W.length]).toEqual([11 * 4, 11 * 6, 11 * 6]);
    const back = floatScheme([2, 2, 3], F, { name: 'x' });
    expect([back.fieldTag, back.meta.name]).toEqual(['R', 'x']);
    expect(back.U).toEqual(s.U.map((row) => row.map(Number)));
    expect(back.W).toEqual(s.W.map((row) => row.map(Number)));
    const rep = verifyScheme(back);
    expect(rep.kind === 'float' && rep.residualSq).toBe(0);
  });
});

describe('Scheme ↔ STL encoders ↔ Factors', () => {
  it('maps U, V, W to E_X = U, E_W = V, D = Wᵀ', () => {
    const s = builtinScheme('strassen');
    const enc = encodersFromScheme(s);
    expect([enc.t, enc.r]).toEqual([2, 7]);
    expect(Array.from(enc.EX.subarray(0, 4))).toEqual([1, 0, 0, 1]);
    expect(Array.from(enc.EW.subarray(4, 8))).toEqual(s.V[1].map(Number));
    // D[q][l] = W[l][q]: column 2 of D is row 2 of W.
    expect([0, 1, 2, 3].map((q) => enc.D[q * 7 + 2])).toEqual(s.W[2].map(Number));
    expect(rowsOf(enc.D, 4, 7).map((row) => row[2])).toEqual(s.W[2].map(Number));
  });

  it('factors of encoders are the scheme’s factors (W = Dᵀ), and back; copies, not views', () => {
    const s = builtinScheme('laderman');
    const enc = encodersFromScheme(s);
    const F = factorsOfEncoders(enc, enc.r);
    const G = schemeFactors(s);
    for (const k of ['U', 'V', 'W'] as const) expect(Array.from(F[k])).toEqual(Array.from(G[k]));
    F.U[0] = 99;
    expect(enc.EX[0]).not.toBe(99);
    const back = encodersOfFactors(factorsOfEncoders(enc, enc.r), enc.t, enc.r);
    for (const k of ['EX', 'EW', 'D'] as const) expect(Array.from(back[k])).toEqual(Array.from(enc[k]));
  });

  it('converts encoders to a float scheme and back', () => {
    const enc = encodersFromScheme(changeField(builtinScheme('strassen2'), 'R') as Scheme<number>);
    const back = encodersFromScheme(encodersToScheme(enc, { name: 'x' }));
    expect([back.t, back.r]).toEqual([4, 49]);
    for (const k of ['EX', 'EW', 'D'] as const) expect(Array.from(back[k])).toEqual(Array.from(enc[k]));
  });

  it('refuses non-square formats and schemes over Z_p', () => {
    expect(() => encodersFromScheme(builtinScheme('strassen-join-2x2x3'))).toThrow(/<t,t,t>, got <2,2,3>/);
    const F3 = Zp(3);
    const mod3 = makeScheme({ field: F3, fieldTag: 'Z3', target: { kind: 'matmul', format: [1, 1, 1] }, U: [[F3.one]], V: [[F3.one]], W: [[F3.one]] });
    expect(() => encodersFromScheme(mod3)).toThrow(/modulo 3; STL needs real coefficients/);
  });
});
