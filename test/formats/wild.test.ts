import { describe, expect, it } from 'vitest';
import type { Fraction } from '../../src/field/index.ts';
import { readExp } from '../../src/formats/exp.ts';
import { readMaple } from '../../src/formats/maple.ts';
import { readMpl } from '../../src/formats/mpl.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { enc, exact, factorsJson, throwsInput } from '../helpers/formats.ts';

// Scheme files as their producers write them, hand-made here in each style: each must import and
// verify exactly, and agree with plain Strassen factor for factor.

const STRASSEN = `(a11+a22)*(b11+b22)*(c11+c22)
(a21+a22)*(b11)*(c12-c22)
(a11)*(b12-b22)*(c21+c22)
(a22)*(b21-b11)*(c11+c12)
(a11+a12)*(b22)*(-c11+c21)
(a21-a11)*(b11+b12)*(c22)
(a12-a22)*(b21+b22)*(c11)
`;
const plain = () => readExp(enc(STRASSEN), 'strassen.exp');

describe('.exp in the wild', () => {
  it('whole-term division (a…)*(b…)*(c…)/N', () => {
    // Double every B factor, divide the term by 2: the Kauers repository writes 767 of 878 files so.
    const text = STRASSEN.split('\n').filter(Boolean).map((l) => {
      const [a, b, c] = l.split(')*(');
      return `${a})*(${b.replace(/(^|[+-])(?=b)/g, '$12*')})*(${c}/2`;
    }).join('\n');
    expect(text).toContain('(b11+2*b22)'.replace('(b11', '(2*b11'));
    const s = readExp(enc(text + '\n'), 'div.exp');
    expect(s.fieldTag).toBe('Q');
    expect(exact(s)).toBe(true);
  });

  it('rational multipliers before, after and inside a term', () => {
    // 1/2·2 = 1 and 3/4·4/3 = 1: integer coefficients in the end, so the field is Z.
    const t = readExp(enc('1/2*(2*a11)*(b11)*(c11)\n(a12)*(b21)*(c11)*3/4*4/3\n'), 'r.exp', { format: [1, 2, 1] });
    expect(exact(t)).toBe(true);
    expect(t.fieldTag).toBe('Z');
    // Divisions that leave a fraction: (1/2·a11)(b11)(2·c11)/(1/1), and a wrong multiplier fails.
    const q = readExp(enc('(1/2*a11)*(b11)*(c11)\n(a11)*(b11)*(c11)/2\n(a12)*(b21)*(c11)/(1/1)\n'), 'q.exp');
    expect(q.fieldTag).toBe('Q');
    expect(exact(q)).toBe(true);
    expect(exact(readExp(enc('(a11)*(b11)*(c11)/3\n(a12)*(b21)*(c11)\n'), 'w.exp'))).toBe(false);
  });

  it('rejects a zero or non-numeric divisor', () => {
    throwsInput(() => readExp(enc('(a11)*(b11)*(c11)/0\n'), 'z.exp'), 'z.exp', 'line 1', /divides by zero/);
    throwsInput(() => readExp(enc('(a11)*(b11)/(c11)\n'), 'z.exp'), 'z.exp', 'line 1', /divisor must be a number/);
  });

  it('# and // comment lines and line-end comments', () => {
    const text = `# Strassen, rank 7\n// trace form\n${STRASSEN.replace('(c11+c22)\n', '(c11+c22)   # first product\n').replace('(c22)\n', '(c22) // sixth\n')}`;
    const s = readExp(enc(text), 'commented.exp');
    expect(exact(s)).toBe(true);
    expect(factorsJson(s)).toBe(factorsJson(plain()));
  });

  it('decimal coefficients are exact: 0.5 is 1/2', () => {
    const text = STRASSEN.replace('(a11+a22)*(b11+b22)', '(0.5*a11+0.50*a22)*(2*b11+2.0*b22)').replace('(a11)*(b12-b22)', '(0.25*a11)*(4*b12-4.*b22)');
    const s = readExp(enc(text), 'dec.exp') as Scheme<Fraction>;
    expect(exact(s)).toBe(true);
    expect(s.U[0][0].toFraction()).toBe('1/2');
    // 0.1 is not binary-representable: exactness must not depend on floats.
    expect(exact(readExp(enc('(0.1*a11)*(10*b11)*(c11)\n'), 'tenth.exp'))).toBe(true);
  });

  it('Python-style complex literals read exactly over C', () => {
    // (0.5+0.5j)(1-1j) = 1 and 1j·(-1j) = 1: Strassen with Gaussian scalings that cancel.
    const text = STRASSEN.replace('(a11+a22)*(b11+b22)*(c11+c22)', '((0.5+0.5j)*a11+(0.5+0.5j)*a22)*(b11+b22)*((1-1j)*c11+(1-1j)*c22)')
      .replace('(a22)*(b21-b11)*(c11+c12)', '(1j*a22)*(b21-b11)*(-1j*c11-1j*c12)');
    const s = readExp(enc(text), 'complex.exp');
    expect(s.fieldTag).toBe('C');
    expect(exact(s)).toBe(true);
    expect(JSON.stringify(s.field.toJSON(s.U[0][0]))).toBe('["1/2","1/2"]');
    const wrong = readExp(enc(text.replace('(1-1j)*c11', '(1+1j)*c11')), 'complex.exp');
    expect(exact(wrong)).toBe(false);
    throwsInput(() => readExp(enc(text), 'complex.exp', { field: 'Q' }), 'complex.exp', '', /complex coefficients/);
  });

  it('a truncated file says so instead of naming a half-written variable', () => {
    const cut = STRASSEN.slice(0, STRASSEN.indexOf('(a12-a22)') + 6);
    const e = throwsInput(() => readExp(enc(cut), 'cut.exp'), 'cut.exp', 'line 7', /truncated/);
    expect(e.problem).not.toMatch(/^unknown variable/);
    // A complete last line without a final newline still reads.
    expect(exact(readExp(enc(STRASSEN.trimEnd()), 's.exp'))).toBe(true);
  });
});

// Strassen as matrices: [A (2×2), B (2×2), C-part (2×2, [k][i] ↔ C[i][k])] per product.
function triples(): number[][][][] {
  const s = plain();
  const rows = (r: readonly unknown[]) => r.map((x) => Number(s.field.toJSON(x)));
  return s.U.map((_, t) => {
    const [u, v, w] = [rows(s.U[t]), rows(s.V[t]), rows(s.W[t])];
    return [[u.slice(0, 2), u.slice(2)], [v.slice(0, 2), v.slice(2)], [[w[0], w[2]], [w[1], w[3]]]];
  });
}
// Each entry as an unevaluated expression, as some catalogue files hold them.
const expr = (x: number) => (x === 1 ? '(-0+1)' : x === -1 ? '(0-1*1)' : x === 2 ? '(1+1)' : '(1-1)');

describe('Maple entries written as arithmetic expressions', () => {
  it('.mpl TriadSet with (0-1*1), (-0+1), (1-1)', () => {
    const mat = (M: number[][]) => `Matrix(2, 2, [${M.map((r) => `[${r.map(expr)}]`)}])`;
    const text = `Tensor:=TriadSet([${triples().map((t) => `Triad([${t.map(mat)}])`).join(',\n')}]):\n`;
    expect(text).toContain('(0-1*1)');
    const s = readMpl(enc(text), 'strassen_tensor.mpl');
    expect(exact(s)).toBe(true);
    expect(factorsJson(s)).toBe(factorsJson(plain()));
  });

  it('.m nested lists with expressions, including (1+1)/2 and -(1/2)*2', () => {
    const mat = (M: number[][]) => `{${M.map((r) => `{${r.map(expr)}}`)}}`;
    let text = `{${triples().map((t) => `{${t.map(mat)}}`).join(',\n')}}`;
    text = text.replace('(-0+1)', '(1+1)/2').replace('(0-1*1)', '-(1/2)*2');
    const s = readMaple(enc(text), 'strassen.m');
    expect(exact(s)).toBe(true);
    expect(factorsJson(s)).toBe(factorsJson(plain()));
  });

  it('an unclosed expression names its line', () => {
    throwsInput(() => readMaple(enc('{{{{(1+1}}, {{1}}, {{1}}}}'), 'bad.m'), 'bad.m', 'line 1', /expected '\)'/);
  });
});
