import { gaussianParts, numDen, type Field, type Gaussian } from '../field/index.ts';
import { counts, rank, type Scheme } from '../scheme/index.ts';
import { describeTarget } from '../tensor/index.ts';
import { lcm } from '../util/bigint.ts';

/**
 * A scheme printed as the algorithm a person would write down:
 *   M1 = (A11 + A22)(B11 + B22)   …   C11 = M1 + M4 − M5 + M7
 * Coefficients are exact; every sign is pulled out of its coefficient so no "+ −" appears.
 */

export type Style = 'md' | 'tex';

/** A coefficient split into sign and magnitude; `mag` null means the magnitude is 1. */
interface Signed {
  neg: boolean;
  mag: string | null;
}

const MINUS: Record<Style, string> = { md: '−', tex: '-' };

/** n/d in lowest terms, d > 0 (as toRational gives it). */
function rational([n, d]: [bigint, bigint], style: Style): Signed {
  const neg = n < 0n, a = neg ? -n : n;
  if (a === 1n && d === 1n) return { neg, mag: null };
  const mag = d === 1n ? a.toString() : style === 'tex' ? `\\frac{${a}}{${d}}` : `${a}/${d}`;
  return { neg, mag };
}

/** a + b·i over a common denominator, as (1+i)/2 rather than the field's (1/2+1/2i). */
function gaussian(z: Gaussian, style: Style): Signed {
  if (z.im.n === 0n) return rational(numDen(z.re), style);
  // The sign goes with the leading nonzero part, so −(1+i)/2 reads as "− (1+i)/2".
  const neg = z.re.n !== 0n ? z.re.s < 0n : z.im.s < 0n;
  const [re, im] = neg ? [z.re.neg(), z.im.neg()] : [z.re, z.im];
  const d = lcm(re.d, im.d);
  const [a, b] = [re.s * re.n * (d / re.d), im.s * im.n * (d / im.d)];
  const bAbs = b < 0n ? -b : b;
  const iPart = `${bAbs === 1n ? '' : bAbs}i`;
  const num = a === 0n ? iPart : `${a}${b < 0n ? MINUS[style] : '+'}${iPart}`;
  if (d === 1n) return { neg, mag: a === 0n ? num : `(${num})` };
  return { neg, mag: style === 'tex' ? `\\frac{${num}}{${d}}` : a === 0n ? `${num}/${d}` : `(${num})/${d}` };
}

/** Residues mod p printed as the representative nearest zero, so p−1 reads as "−1". */
function residue(x: number, p: number): Signed {
  const v = x > p / 2 ? x - p : x;
  return { neg: v < 0, mag: Math.abs(v) === 1 ? null : String(Math.abs(v)) };
}

function signed<E>(F: Field<E>, x: E, style: Style): Signed {
  const z = gaussianParts(F, x);
  if (z) return gaussian(z, style);
  if (F.characteristic !== 0n) return residue(F.toNumber(x), Number(F.characteristic));
  if (F.exact) return rational(F.toRational(x), style);
  const v = F.toNumber(x);
  return { neg: v < 0, mag: Math.abs(v) === 1 ? null : String(Math.abs(v)) };
}

/** Names of the entries of the three spaces: A/B/C entries for matrix products, x/y/z otherwise. */
interface Names {
  x(t: number): string;
  y(t: number): string;
  z(t: number): string;
}

function names(s: Scheme<unknown>, style: Style): Names {
  const sub = (v: string, idx: string) => (style === 'tex' ? `${v}_{${idx}}` : `${v}${idx}`);
  if (s.target.kind !== 'matmul') {
    // Other bilinear maps index coefficient vectors from 0 (polynomial degree, group element).
    return { x: (t) => sub('x', String(t)), y: (t) => sub('y', String(t)), z: (t) => sub('z', String(t)) };
  }
  const [n, m, p] = s.target.format;
  const sep = Math.max(n, m, p) > 9 ? ',' : '';
  const entry = (v: string, i: number, j: number) => sub(v, `${i + 1}${sep}${j + 1}`);
  // With transposedC the third factor is indexed k·n + i but still holds C[i][k].
  const c = s.target.transposedC ? (t: number) => entry('C', t % n, Math.floor(t / n)) : (t: number) => entry('C', Math.floor(t / p), t % p);
  return { x: (t) => entry('A', Math.floor(t / m), t % m), y: (t) => entry('B', Math.floor(t / p), t % p), z: c };
}

/** Σ coef·name over the nonzero entries, with signs as separators: "−A11 + 2·A12". */
function linear<E>(F: Field<E>, coefs: readonly E[], name: (t: number) => string, style: Style): { text: string; bare: boolean } {
  const mul = style === 'tex' ? ' ' : '·';
  const terms: Signed[] = [];
  let text = '';
  coefs.forEach((x, t) => {
    if (F.isZero(x)) return;
    const c = signed(F, x, style);
    const term = c.mag === null ? name(t) : `${c.mag}${mul}${name(t)}`;
    text += terms.length === 0 ? (c.neg ? MINUS[style] : '') + term : ` ${c.neg ? MINUS[style] : '+'} ${term}`;
    terms.push(c);
  });
  // A lone entry with coefficient 1 (or nothing at all) needs no brackets when used as a factor.
  const bare = terms.length === 0 || (terms.length === 1 && !terms[0].neg && terms[0].mag === null);
  return { text: terms.length === 0 ? '0' : text, bare };
}

/** "(A11 + A22)(B11 + B22)", "(A21 + A22)·B11", "A11·B11": brackets unless a factor is a bare entry. */
function productText<E>(s: Scheme<E>, l: number, nm: Names, style: Style): string {
  const factor = (coefs: readonly E[], name: (t: number) => string) => {
    const f = linear(s.field, coefs, name, style);
    return { text: f.bare ? f.text : `(${f.text})`, bare: f.bare };
  };
  const u = factor(s.U[l], nm.x), v = factor(s.V[l], nm.y);
  const join = u.bare || v.bare ? (style === 'tex' ? ' \\cdot ' : '·') : '';
  return `${u.text}${join}${v.text}`;
}

/** Output entry γ as a combination of the products: "M1 + M4 − M5 + M7". */
function outputText<E>(s: Scheme<E>, gamma: number, style: Style): string {
  const column = s.W.map((w) => w[gamma]);
  const product = (l: number) => (style === 'tex' ? `M_{${l + 1}}` : `M${l + 1}`);
  return linear(s.field, column, product, style).text;
}

/** The products and outputs as [left, right] pairs: ["M1", "(A11 + A22)(B11 + B22)"], ["C11", "M1 + M4 − M5 + M7"]. */
export function algorithmLines<E>(s: Scheme<E>, style: Style): { products: [string, string][]; outputs: [string, string][] } {
  const nm = names(s, style);
  const r = rank(s);
  const c = s.W[0]?.length ?? 0;
  const products = Array.from({ length: r }, (_, l): [string, string] => [style === 'tex' ? `M_{${l + 1}}` : `M${l + 1}`, productText(s, l, nm, style)]);
  const order = outputOrder(s, c);
  const outputs = order.map((g): [string, string] => [nm.z(g), outputText(s, g, style)]);
  return { products, outputs };
}

/** Output entries in reading order: row by row of C, whatever the storage order of the third factor. */
function outputOrder(s: Scheme<unknown>, c: number): number[] {
  const all = Array.from({ length: c }, (_, g) => g);
  if (s.target.kind !== 'matmul' || !s.target.transposedC) return all;
  const [n] = s.target.format;
  return all.sort((g, h) => (g % n) - (h % n) || g - h);
}

function fieldNote(s: Scheme<unknown>): string {
  const F = s.field;
  if (/^Z\d+$/.test(F.name)) return `${s.fieldTag} (all arithmetic mod ${F.characteristic})`;
  if (F.name === 'C') return 'C (coefficients in Q(i))';
  if (F.name === 'R') return 'R (floating point, approximate)';
  return s.fieldTag;
}

/** One line: what is computed, over what, and the cost of the naive evaluation. */
export function headerLine(s: Scheme<unknown>): string {
  const k = counts(s);
  const a = k.additions;
  const what = s.target.kind === 'matmul' ? 'format' : 'target';
  return `${what} ${describeTarget(s.target)}, rank ${k.rank}, field ${fieldNote(s)}; ` +
    `${k.rank} multiplications, ${a.total} additions (${a.U} + ${a.V} + ${a.W}), ${k.scalings} scalings`;
}

function title(s: Scheme<unknown>): string {
  return `${s.meta.name ?? 'Scheme'}: ${describeTarget(s.target)}:${rank(s)}`;
}

/** Markdown: a heading, the header line, then products and outputs in text code blocks. */
export function toMarkdown<E>(s: Scheme<E>): string {
  const { products, outputs } = algorithmLines(s, 'md');
  const out = [`# ${title(s)}`, ''];
  if (typeof s.meta.description === 'string') out.push(s.meta.description, '');
  out.push(headerLine(s), '');
  if (typeof s.meta.source === 'string') out.push(`Source: ${s.meta.source}`, '');
  out.push('## Products', '', '```text', ...products.map(([l, r]) => `${l} = ${r}`), '```', '');
  out.push('## Outputs', '', '```text', ...outputs.map(([l, r]) => `${l} = ${r}`), '```', '');
  return out.join('\n');
}

/** LaTeX: comment lines with the header, then one align* with the products and the outputs. */
export function toLatex<E>(s: Scheme<E>): string {
  const { products, outputs } = algorithmLines(s, 'tex');
  const rows = [...products, ...outputs].map(([l, r]) => `${l} &= ${r}`);
  const comments = [`% ${title(s)}`, `% ${headerLine(s)}`];
  if (typeof s.meta.source === 'string') comments.push(`% Source: ${s.meta.source}`);
  return [...comments, '\\begin{align*}', rows.join(' \\\\\n'), '\\end{align*}', ''].join('\n');
}
