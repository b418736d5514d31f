import { describe, expect, it } from 'vitest';
import { C, Fraction, Q, type Gaussian } from '../../src/field/index.ts';
import { toLatex, toMarkdown } from '../../src/formats/algorithm.ts';
import { BUILTIN, builtinScheme, naive, strassen } from '../../src/library/builtin.ts';
import { changeField, makeScheme, withFactors, type Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';

const verifies = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

/** The lines of the fenced code blocks of a Markdown document. */
function codeLines(md: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const line of md.split('\n')) {
    if (line.startsWith('```')) inside = !inside;
    else if (inside) out.push(line);
  }
  return out;
}

const TERM = /\s*([+−])?\s*(?:(\d+(?:\/\d+)?)·)?([ABCM])(\d+(?:,\d+)?)/y;

/** "−A11 + 1/2·A12" → [[coefficient, letter, index string]], refusing anything it cannot read. */
function parseLinear(text: string): [Fraction, string, string][] {
  if (text === '0') return [];
  const out: [Fraction, string, string][] = [];
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const at = TERM.lastIndex;
    const m = TERM.exec(text);
    if (!m || (out.length > 0 && !m[1])) throw new Error(`cannot parse "${text}" at ${at}`);
    const mag = new Fraction(m[2] ?? 1);
    out.push([m[1] === '−' ? mag.neg() : mag, m[3], m[4]]);
  }
  return out;
}

/** Split "(…)(…)", "(…)·B11", "A11·(…)", "A11·B11" into the two factors' inner text. */
function splitFactors(rhs: string): [string, string] {
  const take = (s: string): [string, string] => {
    if (!s.startsWith('(')) {
      const dot = s.indexOf('·');
      return dot < 0 ? [s, ''] : [s.slice(0, dot), s.slice(dot)];
    }
    let depth = 0;
    for (let x = 0; x < s.length; x++) {
      depth += s[x] === '(' ? 1 : s[x] === ')' ? -1 : 0;
      if (depth === 0) return [s.slice(1, x), s.slice(x + 1)];
    }
    throw new Error(`unbalanced "${s}"`);
  };
  const [u, rest] = take(rhs);
  const [v, tail] = take(rest.startsWith('·') ? rest.slice(1) : rest);
  if (tail !== '') throw new Error(`trailing "${tail}" in "${rhs}"`);
  return [u, v];
}

/** Rebuild a Q scheme for <n,m,p> from the Markdown alone: header format, product lines, output lines. */
function parseMarkdown(md: string): Scheme<Fraction> {
  const f = /format <(\d+),(\d+),(\d+)>/.exec(md);
  if (!f) throw new Error('no format in header');
  const [n, m, p] = [Number(f[1]), Number(f[2]), Number(f[3])];
  const index = (s: string, cols: number) => {
    const [i, j] = s.includes(',') ? s.split(',').map(Number) : [Number(s[0]), Number(s.slice(1))];
    return (i - 1) * cols + (j - 1);
  };
  const vec = (len: number) => new Array<Fraction>(len).fill(Q.zero);
  const U: Fraction[][] = [], V: Fraction[][] = [];
  const outputs: [number, [Fraction, string, string][]][] = [];
  for (const line of codeLines(md)) {
    const [lhs, rhs] = line.split(' = ');
    if (lhs.startsWith('M')) {
      expect(Number(lhs.slice(1))).toBe(U.length + 1);
      const [u, v] = splitFactors(rhs);
      const [ur, vr] = [vec(n * m), vec(m * p)];
      for (const [c, letter, idx] of parseLinear(u)) (expect(letter).toBe('A'), (ur[index(idx, m)] = ur[index(idx, m)].add(c)));
      for (const [c, letter, idx] of parseLinear(v)) (expect(letter).toBe('B'), (vr[index(idx, p)] = vr[index(idx, p)].add(c)));
      U.push(ur);
      V.push(vr);
    } else {
      expect(lhs[0]).toBe('C');
      outputs.push([index(lhs.slice(1), p), parseLinear(rhs)]);
    }
  }
  const W = U.map(() => vec(n * p));
  for (const [g, terms] of outputs) for (const [c, letter, idx] of terms) {
    expect(letter).toBe('M');
    W[Number(idx) - 1][g] = W[Number(idx) - 1][g].add(c);
  }
  return makeScheme({ field: Q, fieldTag: 'Q', target: { kind: 'matmul', format: [n, m, p] }, U, V, W });
}

const sameFactors = (s: Scheme<Fraction>, t: Scheme<Fraction>) =>
  (['U', 'V', 'W'] as const).every((k) => s[k].every((row, l) => row.every((x, i) => x.equals(t[k][l][i]))));

/** Strassen with product 1 rescaled: U[0]·2, V[0]·(−1/3), W[0]·(−3/2). Still exact. */
function scaledStrassen(): Scheme<Fraction> {
  const s = strassen();
  const scale = (M: readonly (readonly Fraction[])[], c: Fraction) => M.map((row, l) => row.map((x) => (l === 0 ? x.mul(c) : x)));
  return withFactors(s, scale(s.U, new Fraction(2)), scale(s.V, new Fraction(-1, 3)), scale(s.W, new Fraction(-3, 2)), { meta: { name: 'scaled' } });
}

describe('toMarkdown', () => {
  const md = toMarkdown(strassen());
  it('prints Strassen as it is usually written', () => {
    const lines = md.split('\n');
    for (const l of ['M1 = (A11 + A22)(B11 + B22)', 'M2 = (A21 + A22)·B11', 'M4 = A22·(−B11 + B21)', 'M7 = (A12 − A22)(B21 + B22)', 'C11 = M1 + M4 − M5 + M7', 'C22 = M1 − M2 + M3 + M6']) {
      expect(lines).toContain(l);
    }
    expect(lines[0]).toBe('# strassen: <2,2,2>:7');
    expect(md).toContain('format <2,2,2>, rank 7, field Z; 7 multiplications, 18 additions (5 + 5 + 8)');
    expect(md).toMatch(/## Products\n\n```text\nM1 = /);
    expect(md).toMatch(/## Outputs\n\n```text\nC11 = /);
  });

  it('never prints a sign pair', () => {
    for (const e of BUILTIN) expect(toMarkdown(builtinScheme(e.name))).not.toMatch(/[+−-]\s*[+−-]/);
  });

  it('prints rational coefficients as fractions', () => {
    const text = toMarkdown(scaledStrassen());
    expect(text).toContain('M1 = (2·A11 + 2·A22)(−1/3·B11 − 1/3·B22)');
    expect(text).toContain('C11 = −3/2·M1 + M4 − M5 + M7');
    expect(text).toMatch(/scalings/);
  });

  it('prints complex coefficients over a common denominator', () => {
    const s = changeField<Fraction, Gaussian>(strassen(), 'C');
    const z = (re: number, im: number, d = 1) => ({ re: new Fraction(re, d), im: new Fraction(im, d) });
    const U = s.U.map((row, l) => row.map((x) => (l === 0 ? C.mul(x, z(1, 1)) : x)));
    const W = s.W.map((row, l) => row.map((x) => (l === 0 ? C.mul(x, z(-1, -1, 2)) : x)));
    const V = s.V.map((row, l) => row.map((x) => (l === 0 ? C.mul(x, z(0, 1)) : x)));
    const t = withFactors(s, U, V, W);
    expect(verifies(t)).toBe(true);
    const text = toMarkdown(t);
    expect(text).toContain('M1 = ((1+i)·A11 + (1+i)·A22)(i·B11 + i·B22)');
    expect(text).toContain('C11 = −(1+i)/2·M1 + M4 − M5 + M7');
    expect(toLatex(t)).toContain('C_{11} &= -\\frac{1+i}{2} M_{1} + M_{4}');
  });

  it('prints every shape of Gaussian coefficient with its sign outside', () => {
    const z = (re: number, im: number, d = 1) => ({ re: new Fraction(re, d), im: new Fraction(im, d) });
    const ws = [z(1, -2), z(0, 3, 2), z(0, -1), z(2, 1, 3), z(-1, 0, 2), z(-2, -1)];
    const s = makeScheme({ field: C, fieldTag: 'C', target: { kind: 'polymul', degrees: [0, 0] }, U: ws.map(() => [C.one]), V: ws.map(() => [C.one]), W: ws.map((w) => [w]) });
    expect(toMarkdown(s)).toContain('z0 = (1−2i)·M1 + 3i/2·M2 − i·M3 + (2+i)/3·M4 − 1/2·M5 − (2+i)·M6');
    expect(toLatex(s)).toContain('z_{0} &= (1-2i) M_{1} + \\frac{3i}{2} M_{2} - i M_{3} + \\frac{2+i}{3} M_{4} - \\frac{1}{2} M_{5} - (2+i) M_{6}');
  });

  it('prints residues mod p nearest zero', () => {
    const text = toMarkdown(changeField(strassen(), 'Z5'));
    expect(text).toContain('field Z5 (all arithmetic mod 5)');
    expect(text).toContain('C11 = M1 + M4 − M5 + M7');
  });

  it('notes arithmetic mod 2 for Z2 schemes', () => {
    expect(toMarkdown(changeField(strassen(), 'Z2'))).toContain('field Z2 (all arithmetic mod 2)');
  });

  it('separates indices with a comma when a dimension exceeds 9', () => {
    const text = toMarkdown(naive(1, 10, 2));
    expect(text).toContain('M19 = A1,10·B10,1');
    expect(text).toContain('C1,2 = M2 + M4 + M6');
    expect(toLatex(naive(1, 10, 2))).toContain('M_{20} &= A_{1,10} \\cdot B_{10,2}');
  });

  it('names the inputs x, y and the outputs z for other bilinear maps', () => {
    const q = (v: number) => new Fraction(v);
    const rows = (M: number[][]) => M.map((r) => r.map(q));
    const karatsuba = makeScheme({
      field: Q, fieldTag: 'Z', target: { kind: 'polymul', degrees: [1, 1] },
      U: rows([[1, 0], [1, 1], [0, 1]]), V: rows([[1, 0], [1, 1], [0, 1]]), W: rows([[1, -1, 0], [0, 1, 0], [0, -1, 1]]),
    });
    expect(verifies(karatsuba)).toBe(true);
    const text = toMarkdown(karatsuba);
    expect(text).toContain('target polymul(1,1), rank 3');
    expect(text).toContain('M2 = (x0 + x1)(y0 + y1)');
    expect(text).toContain('z1 = −M1 + M2 − M3');
    expect(toLatex(karatsuba)).toContain('z_{1} &= -M_{1} + M_{2} - M_{3}');
  });
});

describe('toLatex', () => {
  it('has the structure of the Markdown: one align* row per product and output', () => {
    const tex = toLatex(strassen());
    const body = tex.slice(tex.indexOf('\\begin{align*}\n') + 15, tex.indexOf('\n\\end{align*}'));
    const rows = body.split(' \\\\\n');
    expect(rows).toHaveLength(7 + 4);
    expect(rows[0]).toBe('M_{1} &= (A_{11} + A_{22})(B_{11} + B_{22})');
    expect(rows[3]).toBe('M_{4} &= A_{22} \\cdot (-B_{11} + B_{21})');
    expect(rows[7]).toBe('C_{11} &= M_{1} + M_{4} - M_{5} + M_{7}');
    expect(tex).toMatch(/^% strassen: <2,2,2>:7\n% format <2,2,2>, rank 7, field Z;/);
    expect(tex.trimEnd().endsWith('\\end{align*}')).toBe(true);
  });

  it('prints fractions with \\frac', () => {
    const tex = toLatex(scaledStrassen());
    expect(tex).toContain('M_{1} &= (2 A_{11} + 2 A_{22})(-\\frac{1}{3} B_{11} - \\frac{1}{3} B_{22})');
    expect(tex).toContain('C_{11} &= -\\frac{3}{2} M_{1} + M_{4}');
  });
});

describe('Markdown round trip', () => {
  const cases: [string, () => Scheme<Fraction>][] = [
    ...BUILTIN.map((e): [string, () => Scheme<Fraction>] => [e.name, () => builtinScheme(e.name) as Scheme<Fraction>]),
    ['scaled strassen', scaledStrassen],
    ['naive-1x10x2', () => naive(1, 10, 2)],
  ];
  it.each(cases)('%s: the printed algorithm parses back to the same, verifying scheme', (_, build) => {
    const s = build();
    const back = parseMarkdown(toMarkdown(s));
    expect(verifies(back)).toBe(true);
    expect(sameFactors(back, s)).toBe(true);
  });

  it('a scheme storing Cᵀ prints C[i][k] and reads back as the scheme for C', () => {
    const s = naive(2, 3, 4);
    const W = s.W.map((w) => Array.from({ length: 8 }, (_, g) => w[(g % 2) * 4 + Math.floor(g / 2)]));
    const t = makeScheme({ field: Q, fieldTag: 'Z', target: { kind: 'matmul', format: [2, 3, 4], transposedC: true }, U: s.U.map((r) => [...r]), V: s.V.map((r) => [...r]), W });
    expect(verifies(t)).toBe(true);
    expect(toMarkdown(t)).toContain('C14 = M4 + M8 + M12');
    expect(sameFactors(parseMarkdown(toMarkdown(t)), s)).toBe(true);
  });

  it('a wrong sign in the text is caught by the parser and verifier', () => {
    const md = toMarkdown(strassen()).replace('C11 = M1 + M4 − M5 + M7', 'C11 = M1 + M4 + M5 + M7');
    expect(verifies(parseMarkdown(md))).toBe(false);
  });
});
