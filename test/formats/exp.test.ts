import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fraction, Q } from '../../src/field/index.ts';
import { InputError } from '../../src/formats/errors.ts';
import { fieldFromName, formatFromName, readExp, writeExp } from '../../src/formats/exp.ts';
import { parseSchemeJson } from '../../src/formats/json.ts';
import { makeScheme, withFactors, type Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared, SCHEMES, schemeFiles } from '../helpers/shared.ts';
import { enc, exact, factorsJson, throwsInput } from '../helpers/formats.ts';


function expectSame(got: Scheme<unknown>, want: Scheme<unknown>) {
  expect(got.target).toEqual(want.target);
  expect(got.U.length).toBe(want.U.length);
  expect(got.fieldTag).toBe(want.fieldTag);
  expect(factorsJson(got)).toBe(factorsJson(want));
}

// Strassen in trace form: c<k><i> is C[i][k].
const STRASSEN = `(a11+a22)*(b11+b22)*(c11+c22)
(a21+a22)*(b11)*(c12-c22)
(a11)*(b12-b22)*(c21+c22)
(a22)*(b21-b11)*(c11+c12)
(a11+a12)*(b22)*(-c11+c21)
(a21-a11)*(b11+b12)*(c22)
(a12-a22)*(b21+b22)*(c11)
`;

describe('readExp on inline text', () => {
  it('reads Strassen in trace convention, C not transposed', () => {
    const s = readExp(enc(STRASSEN), 'strassen.exp');
    expect(s.target).toEqual({ kind: 'matmul', format: [2, 2, 2] });
    expect(s.fieldTag).toBe('Z');
    expect(s.meta.source).toContain('strassen.exp');
    expect(exact(s)).toBe(true);
    // Product 2 = (A21+A22)B11 feeds C21 (+1) and C22 (-1): c12 is C[2][1].
    expect(s.W[1].map((x) => Q.toJSON(x as Fraction))).toEqual([0, 0, 1, -1]);
  });

  it('fails to verify once one coefficient changes', () => {
    const s = readExp(enc(STRASSEN), 'strassen.exp') as Scheme<Fraction>;
    const W = s.W.map((r) => [...r]);
    W[0][0] = new Fraction(2);
    expect(exact(withFactors(s, s.U.map((r) => [...r]), s.V.map((r) => [...r]), W))).toBe(false);
    expect(exact(readExp(enc(STRASSEN.replace('(c12-c22)', '(c12+c22)')), 's.exp'))).toBe(false);
  });

  it('accepts the lifted style: spaces, juxtaposed factors, bare variables, -( … ), CRLF', () => {
    const lifted = STRASSEN.split('\n').filter(Boolean).map((l) => l.replace(/\)\*\(/g, ') (').replace(/\+/g, ' + ')).join('\r\r\n');
    const s = readExp(enc(lifted.replace('(a22) (b21-b11) (c11 + c12)', '-(a22 (b21-b11) (-c11 - c12))')), 'lifted.txt');
    expectSame(s, readExp(enc(STRASSEN), 'strassen.exp'));
  });

  it('reads rational coefficients as Q and scales by an outer numeric factor in W', () => {
    const s = readExp(enc('(1/2*a11)*(2*b11)*(c11)\n'), 'half.exp');
    expect(s.fieldTag).toBe('Q');
    expect(exact(s)).toBe(true);
    const t = readExp(enc('-(a11*b11*(-c11))\n'), 'neg.exp');
    expect([t.U[0], t.V[0], t.W[0]].map((r) => Q.toJSON(r[0] as Fraction))).toEqual([1, 1, 1]);
  });

  it('moves the sign of a lone (-a…) or (-b…) factor into W, as the published conversions do', () => {
    const row = (s: Scheme<unknown>) => [s.U[0], s.V[0], s.W[0]].map((r) => r.map((x) => Q.toJSON(x as Fraction)));
    expect(row(readExp(enc('(-a11)*(-b11)*(-c11)\n'), 'x.exp'))).toEqual([[1], [1], [-1]]);
    expect(row(readExp(enc('(-a11)*(b11+b12)*c11\n'), 'x.exp'))).toEqual([[1], [1, 1], [-1, 0]]);
    // Only that spelling: -1*a11 and a sum keep their sign where written.
    expect(row(readExp(enc('(-1*a11)*(-b11+0*b12)*c11\n'), 'x.exp'))).toEqual([[-1], [-1, 0], [1, 0]]);
    const s = readExp(enc('(-1*a11)*(b11)*(c11)\n'), 'x.exp');
    expect(writeExp(s)).toBe('(-1*a11)*(b11)*(c11)\n');
    expectSame(readExp(enc(writeExp(s)), 'x.exp'), s);
  });

  it('reduces mod 2 for names containing mod2 or field Z2', () => {
    const s = readExp(enc('(3*a11-a11)*(b11)*(-c11)\n(a11)*(b11)*(c11)\n(a11)*(b11)*(c11)\n'), '111-3-mod2.exp');
    expect(s.fieldTag).toBe('Z2');
    expect(s.U.map((r) => r[0])).toEqual([0, 1, 1]);
    expect(exact(s)).toBe(false); // 0 + 1 + 1 = 0 mod 2
    expect(readExp(enc(STRASSEN), 'x.exp', { field: 'Z2' }).fieldTag).toBe('Z2');
  });

  it('takes the format from opts, then the file name, then the largest indices', () => {
    expect(readExp(enc('(a11)*(b11)*(c11)\n'), '223-1-mod0.exp').target).toEqual({ kind: 'matmul', format: [2, 2, 3] });
    expect(readExp(enc('(a11)*(b11)*(c11)\n'), '223-1-mod0.exp', { format: [1, 1, 1] }).target).toEqual({ kind: 'matmul', format: [1, 1, 1] });
    // c<k><i>: c23 needs p ≥ 2 and n ≥ 3.
    expect(readExp(enc('(a31)*(b12)*(c23)\n'), 'x.exp').target).toEqual({ kind: 'matmul', format: [3, 1, 2] });
  });

  it('knows the published naming conventions', () => {
    expect(formatFromName('flips/solutions/223-11-mod0.exp')).toEqual([2, 2, 3]);
    expect(formatFromName('555m93_lifted.txt')).toEqual([5, 5, 5]);
    expect(formatFromName('k000000011c4745e-333-23-mod0.exp')).toEqual([3, 3, 3]);
    expect(formatFromName('000437bd5a-224-14-mod0.exp')).toEqual([2, 2, 4]);
    expect(formatFromName('666r153.exp')).toEqual([6, 6, 6]);
    expect(formatFromName('2x3x10_tensor.mpl')).toEqual([2, 3, 10]);
    expect(formatFromName('00bc2f83230b.exp')).toBeUndefined();
    expect(fieldFromName('366-85-mod2.exp')).toBe('Z2');
    expect(fieldFromName('555m93.txt')).toBe('Z2');
    expect(fieldFromName('555m93_lifted.txt')).toBeUndefined();
    expect(fieldFromName('223-11-mod0.exp')).toBeUndefined();
  });
});

describe('writeExp', () => {
  it('round-trips Strassen and a rational scheme exactly', () => {
    const s = readExp(enc(STRASSEN), 'strassen.exp');
    expect(writeExp(s)).toBe(STRASSEN.replace('(a22)*(b21-b11)', '(a22)*(-b11+b21)').replace('(a21-a11)', '(-a11+a21)'));
    expectSame(readExp(enc(writeExp(s)), 'again.exp'), s);
    const q = readExp(enc('(1/2*a11-3/4*a12)*(2*b11+b21)*(c11)\n(a12)*(b21)*(-5/3*c11)\n'), 'q.exp');
    expectSame(readExp(enc(writeExp(q)), 'q2.exp'), q);
  });

  it('writes a<i>_<j> when a dimension exceeds 9, and reads it back', () => {
    const [n, m, p] = [2, 10, 3];
    const unit = (len: number, at: number) => Array.from({ length: len }, (_, x) => (x === at ? Q.one : Q.zero));
    const U: Fraction[][] = [], V: Fraction[][] = [], W: Fraction[][] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let k = 0; k < p; k++) {
      U.push(unit(n * m, i * m + j));
      V.push(unit(m * p, j * p + k));
      W.push(unit(n * p, i * p + k));
    }
    const naive = makeScheme({ fieldTag: 'Z', target: { kind: 'matmul', format: [n, m, p] }, U, V, W });
    const text = writeExp(naive);
    expect(text).toContain('(a1_10)*(b10_3)*(c3_1)');
    const back = readExp(enc(text), 'naive.exp');
    expectSame(back, naive);
    expect(exact(back)).toBe(true);
  });

  it('writes an all-zero factor so that the line still parses', () => {
    const s = readExp(enc('(a11)*(b11)*(c11)\n(2*a11)*(b11)*(c11)\n'), 'z-mod2.exp');
    expect(s.U[1]).toEqual([0]);
    expectSame(readExp(enc(writeExp(s)), 'z-mod2.exp'), s);
  });
});

describe('readExp on malformed input', () => {
  const bad = (text: string, line: number, pattern: RegExp, file = 'bad.exp') => {
    const e = throwsInput(() => readExp(enc(text), file), file, `line ${line}`);
    expect(e.problem).toMatch(pattern);
  };
  it('reports a truncated line', () => bad('(a11)*(b11)*(c11)\n(a11+a12)*(b11\n', 2, /expected '\)'.*end of line/));
  it('reports an unknown variable', () => bad('(a11)*(b11)*(c11)\n\n(a11)*(d11)*(c11)\n', 3, /unknown variable 'd11'/));
  it('reports unbalanced parentheses', () => bad('(a11))*(b11)*(c11)\n', 1, /unbalanced/));
  it('reports a zero denominator', () => bad('(1/0*a11)*(b11)*(c11)\n', 1, /1\/0.*divides by zero/));
  it('reports an empty file', () => {
    bad('', 1, /empty/);
    bad('\n  \r\n', 1, /empty/);
  });
  it('reports a missing factor, a mixed factor and a repeated factor', () => {
    bad('(a11)*(b11)\n', 1, /no factor in c/);
    bad('(a11+b11)*(b11)*(c11)\n', 1, /mixes a and b/);
    bad('(a11)*(a12)*(b11)*(c11)\n', 1, /two factors in a/);
    bad('(a11*b11+a12*b21)*(c11)\n', 1, /sum of products/);
  });
  it('reports an index outside the format the name gives, and unsplittable indices', () => {
    bad('(a11)*(b11)*(c11)\n(a31)*(b11)*(c11)\n', 2, /a31 is out of range for <2,2,3>/, '223-2-mod0.exp');
    bad('(a123)*(b11)*(c11)\n', 1, /cannot split the indices of 'a123'/);
    bad('(a10_1)*(b01)*(c11)\n', 1, /1-based/);
    bad('(a1_2000)*(b11)*(c11)\n', 1, /index above 1000/);
  });
  it('reports coefficients the field cannot hold', () => {
    bad('(1/2*a11)*(b11)*(c11)\n', 1, /denominator/, 'x-mod2.exp');
    expect(() => readExp(enc('(1/2*a11)*(b11)*(c11)\n'), 'z.exp', { field: 'Z' })).toThrow(/not an integer/);
  });
  it('refuses bytes that are not UTF-8', () => {
    expect(() => readExp(new Uint8Array([0x28, 0xff, 0xfe]), 'bin.exp')).toThrow(InputError);
  });
});

// ---------------------------------------------------------------------------------------------

/** The converted JSON of a shared .exp/.txt, by the naming the conversion used; undefined if none. */
function convertedJson(file: string): string | undefined {
  const base = basename(file).replace(/\.(exp|txt)$/, '');
  const dir = dirname(file);
  if (dir.endsWith('symmetric-flips/schemes')) return join(SCHEMES, 'symmetric-flips/json', `${base}.json`);
  if (dir.endsWith('kauers-structured/exp')) {
    const id = base.split('-')[0];
    return schemeFiles('kauers-structured/json', (n) => n.endsWith(`_${id}.json`))[0];
  }
  const m = /^(\d)(\d)(\d)-\d+-mod(\d)(a?)$/.exec(base);
  if (!m || !dir.endsWith('flips/solutions')) return undefined;
  const name = new RegExp(`^${m[1]}x${m[2]}x${m[3]}_r\\d+_${m[4] === '2' ? 'Z2' : 'Z'}${m[5] ? '_a' : ''}\\.json$`);
  return schemeFiles('flips/json', (n) => name.test(n))[0];
}

describe.skipIf(!hasShared)('every .exp and symmetric-flips .txt in the shared data', () => {
  const files = [
    ...schemeFiles('flips', (n) => n.endsWith('.exp')).filter((f) => !f.includes('222flipgraph')),
    ...schemeFiles('symmetric-flips/schemes', (n) => n.endsWith('.txt')),
    ...schemeFiles('kauers-structured/exp', (n) => n.endsWith('.exp')),
  ];

  it('finds the files and a conversion for all but the standard algorithm', () => {
    expect(files.length).toBe(38 + 4 + 17);
    expect(files.filter((f) => !convertedJson(f)).map((f) => basename(f))).toEqual(['333-27-mod2.exp']);
  });

  it.each(files.map((f) => [basename(f), f]))('%s verifies exactly and matches its conversion', (_, file) => {
    const s = readExp(readFileSync(file), file);
    expect(exact(s)).toBe(true);
    const json = convertedJson(file);
    if (json) expectSame(s, parseSchemeJson(readFileSync(json, 'utf8'), json));
    expectSame(readExp(enc(writeExp(s)), file), s);
  });

  it('keeps all 86 products of 366-85-mod2.exp and the field of the symmetric-flips files', () => {
    const s = readExp(readFileSync(join(SCHEMES, 'flips/solutions/366-85-mod2.exp')), '366-85-mod2.exp');
    expect([s.U.length, s.fieldTag]).toEqual([86, 'Z2']);
    const z2 = readExp(readFileSync(join(SCHEMES, 'symmetric-flips/schemes/555m93.txt')), '555m93.txt');
    expect(z2.fieldTag).toBe('Z2');
    // The same products over Z do not multiply matrices: the file is valid mod 2 only.
    expect(exact(readExp(readFileSync(join(SCHEMES, 'symmetric-flips/schemes/555m93.txt')), '555m93.txt', { field: 'Z' }))).toBe(false);
  });

  it('reads the 273 vertices of the <2,2,2> rank-8 flip graph over Z2 (their names carry no mod2)', () => {
    const vertices = schemeFiles('flips/222flipgraph_rank8/vertices', (n) => n.endsWith('.exp'));
    expect(vertices.length).toBe(273);
    for (const f of vertices) {
      const s = readExp(readFileSync(f), f, { field: 'Z2' });
      expect(s.target, f).toEqual({ kind: 'matmul', format: [2, 2, 2] });
      expect(exact(s), f).toBe(true);
    }
  });
});
