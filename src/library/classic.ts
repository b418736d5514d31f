import { Fraction, Q } from '../field/index.ts';
import { makeScheme, SchemeError, type Scheme, type SchemeMeta } from '../scheme/index.ts';

/**
 * Classic schemes written the way the papers print them: each product as a pair of linear forms
 * in the entries of A and B, each output entry of C as a sum of products. The tables are parsed
 * strictly (any stray character throws), so a typo cannot silently drop a term; the tests check
 * every table with the exact verifier.
 */
export interface SchemeTable {
  /** [form in a_ij, form in b_jk] per product, e.g. ['a11+a22', 'b11+b22']. 1-based, one digit each. */
  readonly products: readonly (readonly [string, string])[];
  /** 'c11' → 'm1+m4-m5+m7' (products numbered from 1). Missing entries are zero. */
  readonly outputs: Readonly<Record<string, string>>;
}

const TERM = /([+-]?)(\d+(?:\/\d+)?)?\*?([a-z])(\d+)/y;

/** Parse 'a11-2*a12+1/2a21' into (coefficient, letter, digits) terms. */
function terms(expr: string): { v: Fraction; letter: string; digits: string }[] {
  const s = expr.replace(/\s+/g, '');
  const out: { v: Fraction; letter: string; digits: string }[] = [];
  TERM.lastIndex = 0;
  while (TERM.lastIndex < s.length) {
    const at = TERM.lastIndex;
    const m = TERM.exec(s);
    if (!m || (at > 0 && m[1] === '')) throw new SchemeError(`cannot read "${expr}" at position ${at}`);
    const mag = m[2] === undefined ? new Fraction(1) : new Fraction(m[2]);
    out.push({ v: m[1] === '-' ? mag.neg() : mag, letter: m[3], digits: m[4] });
  }
  return out;
}

/** A linear form in the entries of a rows×cols matrix named `letter`, as a row-major vector. */
export function linearForm(expr: string, letter: string, rows: number, cols: number): Fraction[] {
  const out = new Array<Fraction>(rows * cols).fill(Q.zero);
  for (const t of terms(expr)) {
    const [i, j] = [Number(t.digits[0]) - 1, Number(t.digits.slice(1)) - 1];
    if (t.letter !== letter || t.digits.length !== 2 || !(i >= 0 && i < rows && j >= 0 && j < cols)) {
      throw new SchemeError(`"${expr}": ${t.letter}${t.digits} is not an entry ${letter}ij of a ${rows}×${cols} matrix`);
    }
    out[i * cols + j] = out[i * cols + j].add(t.v);
  }
  return out;
}

/** Build a <n,m,p> scheme over Z from a table. */
export function fromTable(n: number, m: number, p: number, table: SchemeTable, meta: SchemeMeta): Scheme<Fraction> {
  const r = table.products.length;
  const U = table.products.map(([u]) => linearForm(u, 'a', n, m));
  const V = table.products.map(([, v]) => linearForm(v, 'b', m, p));
  const W = table.products.map(() => new Array<Fraction>(n * p).fill(Q.zero));
  for (const [entry, sum] of Object.entries(table.outputs)) {
    const [gamma] = linearForm(entry, 'c', n, p).flatMap((x, g) => (x.n === 0n ? [] : [g]));
    for (const t of terms(sum)) {
      const l = Number(t.digits) - 1;
      if (t.letter !== 'm' || !(l >= 0 && l < r)) throw new SchemeError(`"${sum}": ${t.letter}${t.digits} is not a product m1..m${r}`);
      W[l][gamma] = W[l][gamma].add(t.v);
    }
  }
  return makeScheme({ field: Q, fieldTag: 'Z', target: { kind: 'matmul', format: [n, m, p] }, U, V, W, meta });
}

/** Strassen's seven products, as printed in the 1969 paper (I..VII there). */
export const STRASSEN: SchemeTable = {
  products: [
    ['a11+a22', 'b11+b22'],
    ['a21+a22', 'b11'],
    ['a11', 'b12-b22'],
    ['a22', 'b21-b11'],
    ['a11+a12', 'b22'],
    ['a21-a11', 'b11+b12'],
    ['a12-a22', 'b21+b22'],
  ],
  outputs: { c11: 'm1+m4-m5+m7', c12: 'm3+m5', c21: 'm2+m4', c22: 'm1-m2+m3+m6' },
};

/**
 * Winograd's variant, expanded from its straight-line form (15 additions with reuse):
 *   s1 = a21+a22, s2 = s1−a11, s3 = a11−a21, s4 = a12−s2,
 *   t1 = b12−b11, t2 = b22−t1, t3 = b22−b12, t4 = t2−b21,
 *   m1 = a11b11, m2 = a12b21, m3 = s4b22, m4 = a22t4, m5 = s1t1, m6 = s2t2, m7 = s3t3,
 *   u2 = m1+m6, u3 = u2+m7, u4 = u2+m5; C = [m1+m2, u4+m3; u3−m4, u3+m5].
 */
export const WINOGRAD: SchemeTable = {
  products: [
    ['a11', 'b11'],
    ['a12', 'b21'],
    ['a11+a12-a21-a22', 'b22'],
    ['a22', 'b11-b12-b21+b22'],
    ['a21+a22', 'b12-b11'],
    ['a21+a22-a11', 'b11-b12+b22'],
    ['a11-a21', 'b22-b12'],
  ],
  outputs: { c11: 'm1+m2', c12: 'm1+m3+m5+m6', c21: 'm1-m4+m6+m7', c22: 'm1+m5+m6+m7' },
};

/** Laderman's 23 products, numbered as in the 1976 paper. */
export const LADERMAN: SchemeTable = {
  products: [
    ['a11+a12+a13-a21-a22-a32-a33', 'b22'],
    ['a11-a21', 'b22-b12'],
    ['a22', 'b12+b21-b11-b22-b23-b31+b33'],
    ['a21+a22-a11', 'b11-b12+b22'],
    ['a21+a22', 'b12-b11'],
    ['a11', 'b11'],
    ['a31+a32-a11', 'b11-b13+b23'],
    ['a31-a11', 'b13-b23'],
    ['a31+a32', 'b13-b11'],
    ['a11+a12+a13-a22-a23-a31-a32', 'b23'],
    ['a32', 'b13+b21-b11-b22-b23-b31+b32'],
    ['a32+a33-a13', 'b22+b31-b32'],
    ['a13-a33', 'b22-b32'],
    ['a13', 'b31'],
    ['a32+a33', 'b32-b31'],
    ['a22+a23-a13', 'b23+b31-b33'],
    ['a13-a23', 'b23-b33'],
    ['a22+a23', 'b33-b31'],
    ['a12', 'b21'],
    ['a23', 'b32'],
    ['a21', 'b13'],
    ['a31', 'b12'],
    ['a33', 'b33'],
  ],
  outputs: {
    c11: 'm6+m14+m19',
    c12: 'm1+m4+m5+m6+m12+m14+m15',
    c13: 'm6+m7+m9+m10+m14+m16+m18',
    c21: 'm2+m3+m4+m6+m14+m16+m17',
    c22: 'm2+m4+m5+m6+m20',
    c23: 'm14+m16+m17+m18+m21',
    c31: 'm6+m7+m8+m11+m12+m13+m14',
    c32: 'm12+m13+m14+m15+m22',
    c33: 'm6+m7+m8+m9+m23',
  },
};
