import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../src/formats/errors.ts';
import { readExp } from '../../src/formats/exp.ts';
import { fieldMark } from '../../src/formats/fieldmark.ts';
import { parseSchemeJson } from '../../src/formats/json.ts';
import { loadScheme } from '../../src/formats/registry.ts';
import { runCli } from '../helpers/cli.ts';
import { enc, exact, factorsJson, throwsInput } from '../helpers/formats.ts';
import { hasShared, schemeFiles } from '../helpers/shared.ts';

// Perminov's dense .txt, the products-and-decoders text of papers (Bini style) and its Yacas
// spelling, each written here by hand from Strassen's scheme, plus the Z2 convention.

const dir = mkdtempSync(join(tmpdir(), 'stlkit-text-forms-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};

const U = [[1, 0, 0, 1], [0, 0, 1, 1], [1, 0, 0, 0], [0, 0, 0, 1], [1, 1, 0, 0], [-1, 0, 1, 0], [0, 1, 0, -1]];
const V = [[1, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, -1], [-1, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]];
const W = [[1, 0, 0, 1], [0, 0, 1, -1], [0, 1, 0, 1], [1, 0, 1, 0], [-1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]];
const strassen = parseSchemeJson(JSON.stringify({ format: [2, 2, 2], rank: 7, field: 'Z', U, V, W }), 'strassen.json');
/** Perminov's w is over Cᵀ: w[t][k·n+i] is C[i][k]. */
const Wt = W.map((r) => [r[0], r[2], r[1], r[3]]);
const flat = (M: number[][]) => M.flat().join(' ');

describe("Perminov's dense .txt", () => {
  it('reads "n m p R" and u, v, w (w over Cᵀ) as integers, exactly Strassen', () => {
    const f = write('2x2x2_m7_ZT.txt', `# Strassen\n2 2 2 7\n${flat(U)}\n${flat(V)}\n${flat(Wt)}\n`);
    const s = loadScheme(f);
    expect(s.fieldTag).toBe('Z');
    expect(exact(s)).toBe(true);
    expect(factorsJson(s)).toBe(factorsJson(strassen));
  });

  it('reads numerator denominator pairs exactly (the Q files), and says which format read it', () => {
    // Product 1 as (½·a)(2·b): the pairs carry the fractions; the count of numbers tells the form.
    const pair = (x: number, d = 1) => `${x} ${x === 0 ? 1 : d}`;
    const u = U.map((r, t) => r.map((x) => pair(x, t === 0 ? 2 : 1)).join(' ')).join(' ');
    const v = V.map((r, t) => r.map((x) => (t === 0 ? pair(2 * x) : pair(x))).join(' ')).join(' ');
    const w = Wt.map((r) => r.map((x) => pair(x)).join(' ')).join(' ');
    const f = write('2x2x2_m7_Q.txt', `2 2 2 7\n${u}\n${v}\n${w}\n`);
    const lines: string[] = [];
    const s = loadScheme(f, { explain: (l) => lines.push(l) });
    expect(s.fieldTag).toBe('Q');
    expect(exact(s)).toBe(true);
    expect(lines).toEqual(["format: perminov-txt (extension .txt: tried perminov-txt; perminov-txt read it: header '2 2 2 7' = n m p R)"]);
  });

  it('reads a mod-2 scheme over Z2 by the _Z2 in its name; without it, verify says to pass --field Z2', async () => {
    const abs = (M: number[][]) => M.map((r) => r.map(Math.abs));
    const text = `2 2 2 7\n${flat(abs(U))}\n${flat(abs(V))}\n${flat(abs(Wt))}\n`;
    const lines: string[] = [];
    const z2 = loadScheme(write('2x2x2_m7_Z2.txt', text), { explain: (l) => lines.push(l) });
    expect(z2.fieldTag).toBe('Z2');
    expect(lines[0]).toMatch(/; field Z2 by its file name 2x2x2_m7_Z2\.txt$/);
    expect(exact(z2)).toBe(true);
    const plain = write('strassen-unsigned.txt', text);
    expect(exact(loadScheme(plain))).toBe(false);
    const r = await runCli(['verify', plain]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not exact over Z; exact over Z2 — pass --field Z2/);
    expect((await runCli(['verify', plain, '--field', 'Z2'])).code).toBe(0);
  });

  it('refuses a wrong count or a non-integer with one line', () => {
    throwsInput(() => loadScheme(write('short.txt', '2 2 2 7\n1 0 0 1\n'), { from: 'perminov-txt' }), 'short.txt', '', /expected 84 integers \(R·\(nm\+mp\+pn\)\) or 168 \(numerator denominator pairs\), found 4/);
    throwsInput(() => loadScheme(write('frac.txt', `2 2 2 7\n1/2 ${flat(U).slice(2)}\n${flat(V)}\n${flat(Wt)}\n`), { from: 'perminov-txt' }), 'frac.txt', '', /"1\/2" is not an integer/);
  });
});

const BINI = `# Strassen 1969, as in the paper
m1 = (a11 + a22)*(b11 + b22)
m2 = (a21 + a22)*b11
m3 = a11*(b12 - b22)
m4 = a22*(b21 - b11)
m5 = (a11 + a12)*b22
m6 = (a21 - a11)*(b11 + b12)
m7 = (a12 - a22)*(b21 + b22)
c11 = m1 + m4 - m5 + m7
c12 = m3 + m5
c21 = m2 + m4
c22 = m1 - m2 + m3 + m6
`;

describe('products and decoders (Bini style)', () => {
  it('reads products m_k = (…a…)*(…b…) and decoders c_ik = Σ m, exactly Strassen', () => {
    const f = write('strassen-bini.txt', BINI);
    const lines: string[] = [];
    const s = loadScheme(f, { explain: (l) => lines.push(l) });
    expect(exact(s)).toBe(true);
    expect(factorsJson(s)).toBe(factorsJson(strassen));
    expect(lines[0]).toMatch(/^format: bini \(extension \.txt: tried bini; bini read it: product line 'm1 = \(a11 \+ a22\)\*\(b11 \+ b22\)' and decoder line 'c11 = m1 \+ m4 - m5 \+ m7'\)$/);
  });

  it('accepts unnamed products, juxtaposition, :=, ;, comments, a_i_j and A[i][j], and exact p/q, decimal and 1e-1 coefficients', () => {
    const text = `// Strassen with the first product halved and doubled back in the decoders
(1/2*a11 + 0.5*A[2][2])(b_1_1 + b_2_2);   % m1
(a21 + a22)·b11
a11*(b12 - b22)
a22 × (b21 - b11)
(a11 + a12)*b22
(a21 - a11)*(b11 + b12)
(a12 - a22)*(b21 + b22)
c11 := 2*m1 + m4 - m5 + m7;
c_1_2 = m3 + m5
C21 = m2 + m4
c22 = 20e-1*m1 − m2 + m3 + m6
`;
    const s = loadScheme(write('strassen-variants.txt', text), { from: 'bini' });
    expect(s.fieldTag).toBe('Q');
    expect(exact(s)).toBe(true);
  });

  it("refuses Bini's border-rank ε as unsupported, and a sum of products or an unknown name with its line", () => {
    const e = throwsInput(() => loadScheme(write('bini-apa.txt', BINI.replace('m2 = (a21 + a22)*b11', 'm2 = (a21 + e*a22)*b11')), { from: 'bini' }), 'bini-apa.txt', 'line 3', /border-rank/);
    expect(e).toBeInstanceOf(UnsupportedError);
    throwsInput(() => loadScheme(write('sum.txt', BINI.replace('m3 = a11*(b12 - b22)', 'm3 = a11*b12 - a11*b22')), { from: 'bini' }), 'sum.txt', 'line 4', /a sum of products/);
    throwsInput(() => loadScheme(write('unknown.txt', BINI.replace('c12 = m3 + m5', 'c12 = m3 + q5')), { from: 'bini' }), 'unknown.txt', 'line 10', /unknown name 'q5'/);
  });
});

describe('products and decoders in Yacas syntax', () => {
  const YACAS = `/* Strassen's algorithm
   in Yacas */
A := {{A11, A12}, {A21, A22}};
M1 := (A11 + A22) *
      (B11 + B22);
M2 := (A21 + A22) * B11; M3 := A11 * (B12 - B22);
M4 := A22 * (B21 - B11);  // the fourth
M5 := (A11 + A12) * B22;
M6 := (A21 - A11) * (B11 + B12);
M7 := (A12 - A22) * (B21 + B22);
C11 := M1 + M4 - M5 + M7;
C12 := M3 + M5;
C21 := M2 + M4;
C22 := M1 - M2 + M3 + M6;
Simplify(C11 - (A11*B11 + A12*B21));
`;

  it('reads a .ys file, and a .txt by its := statements, exactly Strassen', () => {
    const s = loadScheme(write('strassen.ys', YACAS));
    expect(exact(s)).toBe(true);
    expect(factorsJson(s)).toBe(factorsJson(strassen));
    const lines: string[] = [];
    loadScheme(write('strassen-yacas.txt', YACAS), { explain: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^format: yacas \(extension \.txt: tried yacas; yacas read it: Yacas assignment 'A := /);
  });

  it('names the line a statement starts on', () => {
    throwsInput(() => loadScheme(write('bad.ys', YACAS.replace('M4 := A22 * (B21 - B11);', 'M4 := A22 * (B21 - B11)) ;'))), 'bad.ys', 'line 7', /unexpected '\)'/);
  });
});

describe('scientific notation', () => {
  it('is an exact rational wherever a number is read: 5e-1 is 1/2, 2.5E+1 is 25', () => {
    const s = readExp(enc('(5e-1*a11)*(2e0*b11)*(c11)\n(a12)*(2.5E+1*b21)*(4e-2*c11)\n'), 'sci.exp', { format: [1, 2, 1] });
    expect(exact(s)).toBe(true);
    throwsInput(() => readExp(enc('(1e99999*a11)*(b11)*(c11)\n'), 'huge.exp'), 'huge.exp', 'line 1', /exponent of 1e99999 is out of range/);
  });
});

describe('the Z2 convention', () => {
  it('takes the field from a header, the file name, or the folder, in that order', () => {
    expect(fieldMark('x/plain.exp', '# field: Z2\n(a11)*(b11)*(c11)')).toEqual({ field: 'Z2', why: 'header "# field: Z2"' });
    expect(fieldMark('x/366-85-mod2.exp', '# field: Q\n')?.field).toBe('Q');
    expect(fieldMark('x/366-85-mod2.exp')?.field).toBe('Z2');
    expect(fieldMark('x/2x2x2_m7_Z2.txt')?.field).toBe('Z2');
    expect(fieldMark('x/555m93.txt')?.field).toBe('Z2');
    expect(fieldMark('x/555m93_lifted.txt')).toBeUndefined();
    expect(fieldMark('flips/222flipgraph_rank8/vertices/00bc2f83230b.exp')?.why).toMatch(/folder 222flipgraph_rank8/);
    expect(fieldMark('x/json-f2/a.exp')?.field).toBe('Z2');
    expect(fieldMark('x/223-11-mod0.exp')).toBeUndefined();
    expect(fieldMark('z2data/deep/er/a.exp')).toBeUndefined();
  });

  it('reads an unmarked flip-graph vertex over Z2 in a flipgraph folder', () => {
    const text = '(a11 + a22)*(b11 + b22)*(c11 + c22)\n(a21 + a22)*(b11)*(c12 + c22)\n(a11)*(b12 + b22)*(c21 + c22)\n(a22)*(b11 + b21)*(c11 + c12)\n(a11 + a12)*(b22)*(c11 + c21)\n(a11 + a21)*(b11 + b12)*(c22)\n(a12 + a22)*(b21 + b22)*(c11)\n';
    const s = loadScheme(write('222flipgraph_rank7/vertices/0a1b.exp', text));
    expect(s.fieldTag).toBe('Z2');
    expect(exact(s)).toBe(true);
  });
});

describe.skipIf(!hasShared)("Perminov's published schemes in his text forms", () => {
  it('his "multiplications"/"elements" read as products and decoders, and u, v, w as .txt, give the JSON scheme', () => {
    const files = schemeFiles('perminov/original', (n) => n.endsWith('.json') && !n.includes('reduced'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const d = JSON.parse(readFileSync(f, 'utf8'));
      const json = loadScheme(f);
      const bini = loadScheme(write(`perminov/${basename(f, '.json')}-text.txt`, [...d.multiplications, ...d.elements].join('\n')));
      const txt = loadScheme(write(`perminov/${basename(f, '.json')}.txt`, [d.n.join(' ') + ` ${d.m}`, ...['u', 'v', 'w'].map((k) => d[k].flat().join(' '))].join('\n')));
      for (const s of [bini, txt]) {
        expect(exact(s), f).toBe(true);
        expect(factorsJson(s), f).toBe(factorsJson(json));
      }
    }
  });
});
