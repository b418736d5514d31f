import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fraction, Q } from '../../src/field/index.ts';
import { InputError } from '../../src/formats/errors.ts';
import { readExp } from '../../src/formats/exp.ts';
import { parseSchemeJson } from '../../src/formats/json.ts';
import { readMaple } from '../../src/formats/maple.ts';
import { withFactors, type Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared, schemeFiles } from '../helpers/shared.ts';
import { enc, exact, factorsJson } from '../helpers/formats.ts';


function expectSame(got: Scheme<unknown>, want: Scheme<unknown>) {
  expect(got.target).toEqual(want.target);
  expect(got.U.length).toBe(want.U.length);
  expect(got.fieldTag).toBe(want.fieldTag);
  expect(factorsJson(got)).toBe(factorsJson(want));
}

function inputError(fn: () => unknown, file: string, line: number): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.file).toBe(file);
    expect(e.where).toBe(`line ${line}`);
    expect(e.message).toContain(file);
    return e;
  }
  throw new Error('expected an InputError');
}

/**
 * The sign convention the .exp conversions carry: an A or B row that is a lone -1 becomes +1 and the
 * sign moves to W. Applied here to compare a .m with the JSON converted from its .exp sibling.
 */
function liftLoneSigns(s: Scheme<Fraction>): Scheme<Fraction> {
  const lone = (r: readonly Fraction[]) => r.filter((x) => x.n !== 0n).length === 1 && r.some((x) => x.equals(-1));
  const neg = (r: readonly Fraction[]) => r.map((x) => x.neg());
  const U = s.U.map((r) => (lone(r) ? neg(r) : [...r]));
  const V = s.V.map((r) => (lone(r) ? neg(r) : [...r]));
  const W = s.W.map((r, t) => ((lone(s.U[t]) ? 1 : 0) + (lone(s.V[t]) ? 1 : 0) === 1 ? neg(r) : [...r]));
  return withFactors(s, U, V, W);
}

// Strassen twice: as a flip-graph .exp and as its .m (third matrix p×n, [k][i] ↔ C[i][k]).
const STRASSEN_EXP = `(a11+a22)*(b11+b22)*(c11+c22)
(a21+a22)*(b11)*(c12-c22)
(a11)*(b12-b22)*(c21+c22)
(a22)*(b21-b11)*(c11+c12)
(a11+a12)*(b22)*(-c11+c21)
(a21-a11)*(b11+b12)*(c22)
(a12-a22)*(b21+b22)*(c11)
`;
const STRASSEN_M = `{{{{1, 0}, {0, 1}}, {{1, 0}, {0, 1}}, {{1, 0}, {0, 1}}},
 {{{0, 0}, {1, 1}}, {{1, 0}, {0, 0}}, {{0, 1}, {0, -1}}},
 {{{1, 0}, {0, 0}}, {{0, 1}, {0, -1}}, {{0, 0}, {1, 1}}},
 {{{0, 0}, {0, 1}}, {{-1, 0}, {1, 0}}, {{1, 1}, {0, 0}}},
 {{{1, 1}, {0, 0}}, {{0, 0}, {0, 1}}, {{-1, 0}, {1, 0}}},
 {{{-1, 0}, {1, 0}}, {{1, 1}, {0, 0}}, {{0, 0}, {0, 1}}},
 {{{0, 1}, {0, -1}}, {{0, 0}, {1, 1}}, {{1, 0}, {0, 0}}}}
`;

describe('readMaple on inline text', () => {
  it('reads Strassen with the C-part transposed, agreeing with the .exp reader', () => {
    const s = readMaple(enc(STRASSEN_M), 'strassen.m');
    expect(s.target).toEqual({ kind: 'matmul', format: [2, 2, 2] });
    expect(s.fieldTag).toBe('Z');
    expect(s.meta.source).toContain('strassen.m');
    expect(exact(s)).toBe(true);
    expectSame(s, readExp(enc(STRASSEN_EXP), 'strassen.exp'));
  });

  it('fails to verify once one coefficient changes', () => {
    const s = readMaple(enc(STRASSEN_M), 'strassen.m') as Scheme<Fraction>;
    const V = s.V.map((r) => [...r]);
    V[2][1] = new Fraction(0);
    expect(exact(withFactors(s, s.U.map((r) => [...r]), V, s.W.map((r) => [...r])))).toBe(false);
  });

  it('reads a non-square format from the shapes, with Maple line wrapping and rationals', () => {
    // <1,2,1>: C = A11·B11 + A12·B21, once with a wrapped row and a 1/2·2 split.
    const text = '{{{{1, 0}}, {{1/2}, {0}}, {{2}}},\n {{{0,\n 1}}, {{0}, {1}}, {{1}}}}';
    const s = readMaple(enc(text), 'x.m');
    expect(s.target).toEqual({ kind: 'matmul', format: [1, 2, 1] });
    expect(s.fieldTag).toBe('Q');
    expect(Q.toJSON(s.V[0][0] as Fraction)).toBe('1/2');
    expect(exact(s)).toBe(true);
  });

  it('reduces mod 2 for names containing mod2', () => {
    const s = readMaple(enc(STRASSEN_M), '222-7-mod2.m');
    expect(s.fieldTag).toBe('Z2');
    expect(exact(s)).toBe(true);
  });
});

describe('readMaple on malformed input', () => {
  const bad = (text: string, line: number, pattern: RegExp) => {
    const e = inputError(() => readMaple(enc(text), 'bad.m'), 'bad.m', line);
    expect(e.problem).toMatch(pattern);
  };
  const lines = STRASSEN_M.split('\n');
  it('reports a truncated file', () => bad(lines.slice(0, 3).join('\n'), 3, /expected '\{'.*found end of file \(truncated/));
  it('reports unbalanced brackets', () => {
    bad(STRASSEN_M + '}', 8, /unexpected '\}' after the end/);
    bad(STRASSEN_M.trimEnd().slice(0, -1), 7, /expected '\}' to end the list of products, found end of file/);
  });
  it('reports a zero denominator and a stray symbol', () => {
    bad(STRASSEN_M.replace('{{0, 0}, {0, 1}}}', '{{0, 0}, {0, 1/0}}}'), 6, /1\/0 divides by zero/);
    bad(STRASSEN_M.replace('{{0, 0}, {1, 1}}}', '{{0, 0}, {x, 1}}}'), 3, /expected a number.*'x'/);
  });
  it('reports an empty file', () => {
    bad('', 1, /empty/);
    bad('{}', 1, /no products/);
  });
  it('reports inconsistent matrix sizes', () => {
    bad(STRASSEN_M.replace('{{1, 1}, {0, 0}}}', '{{1, 1}, {0}}}'), 4, /row 2 has 1 entries but row 1 has 2/);
    bad(STRASSEN_M.replace('{{1, 1}, {0, 0}}}', '{{1, 1}, {0, 0}, {0, 0}}}'), 4, /product 4: the C .* is 3×2, expected 2×2/);
    bad(STRASSEN_M.replace(', {{1, 1}, {0, 0}}}', '}'), 4, /three matrices/);
  });
  it('checks a format given in opts', () => {
    expect(() => readMaple(enc(STRASSEN_M), 'x.m', { format: [2, 2, 3] })).toThrow(/<2,2,2> but the format given is <2,2,3>/);
  });
});

describe.skipIf(!hasShared)('every flip-graph .m in the shared data', () => {
  const files = schemeFiles('flips/solutions', (n) => n.endsWith('.m'));
  const jsonFor = (file: string) => {
    const m = /^(\d)(\d)(\d)-\d+-mod(\d)(a?)\.m$/.exec(basename(file))!;
    const name = new RegExp(`^${m[1]}x${m[2]}x${m[3]}_r\\d+_${m[4] === '2' ? 'Z2' : 'Z'}${m[5] ? '_a' : ''}\\.json$`);
    return schemeFiles('flips/json', (n) => name.test(n))[0];
  };

  it('finds all 27', () => {
    expect(files.length).toBe(27);
    expect(files.every((f) => jsonFor(f))).toBe(true);
  });

  it.each(files.map((f) => [basename(f), f]))('%s verifies exactly and matches its conversion', (_, file) => {
    const s = readMaple(readFileSync(file), file);
    expect(exact(s)).toBe(true);
    const json = jsonFor(file);
    const want = parseSchemeJson(readFileSync(json, 'utf8'), json);
    // Where a .exp sibling exists the JSON was converted from it, with its lone-sign convention.
    const sibling = file.replace(/\.m$/, '.exp');
    expectSame(existsSync(sibling) ? liftLoneSigns(s as Scheme<Fraction>) : s, want);
  });
});
