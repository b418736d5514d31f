import { Fraction } from '../field/index.ts';
import type { Scheme } from '../scheme/index.ts';
import { decimalOr } from './coeff.ts';
import { InputError, UnsupportedError } from './errors.ts';
import { formatFromName, rationalScheme, type RationalTerm } from './exp.ts';
import { fieldMark } from './fieldmark.ts';
import type { ImportOptions } from './importer.ts';

/**
 * Schemes written as a program of products and decoders, the form of Bini's and Strassen's papers
 * and of Perminov's "multiplications"/"elements" (bini.ts, yacas.ts split the text; this reads it):
 *   m1 = (a11 + a22)*(b11 + b22)        a product: a linear form in A times one in B
 *   (a21 + a22)*b11                     a product without a name is m<k>, k its position
 *   c11 = m1 + m4 - m5 + m7             an entry of C = A·B (not transposed) as a sum of products
 * Coefficients are exact (integers, p/q, decimals, 1e-3); entries are a11, a_1_1, a1_1, A11 or
 * A[1][1]. A symbol that is neither an entry nor a product defined earlier is refused, and one
 * named like the ε of Bini's border-rank schemes says so: they are not exact bilinear schemes.
 */
export interface Statement {
  /** The name assigned to, or '' for an unnamed product. */
  lhs: string;
  rhs: string;
  /** 1-based line where the statement starts, for messages. */
  line: number;
}

type Space = 'a' | 'b' | 'c' | 'm';
type Form = Map<string, Fraction>;
type Value =
  | { kind: 'num'; q: Fraction }
  | { kind: 'lin'; space: Space; form: Form }
  | { kind: 'prod'; scalar: Fraction; a: Form; b: Form };

const ENTRY = /^([abcABC])_?(\d+)(?:_(\d+))?$/;
/** Names Bini-style papers give the border-rank parameter. */
const EPSILON = /^(e|eps|epsilon|ε|λ|lambda|lam|x|t|h)$/i;

/** An entry name as [letter, row, col] (1-based), or null when it is no matrix entry. */
function entry(name: string, fail: (p: string) => never): [Space, number, number] | null {
  const bracket = /^([abcABC])\[(\d+)\](?:\[|,\s*)(\d+)\]$/.exec(name);
  if (bracket) return [bracket[1].toLowerCase() as Space, +bracket[2], +bracket[3]];
  const m = ENTRY.exec(name);
  if (!m) return null;
  const letter = m[1].toLowerCase() as Space;
  if (m[3] !== undefined) return [letter, +m[2], +m[3]];
  if (m[2] !== undefined && m[2].length === 2) return [letter, +m[2][0], +m[2][1]];
  if (m[2] !== undefined) fail(`cannot split the indices of '${name}'; write ${m[1]}_<i>_<j> when an index exceeds 9`);
  return null;
}

interface Tok {
  t: 'num' | 'name' | '(' | ')' | '+' | '-' | '*' | '/' | 'end';
  text: string;
}

function lex(text: string, fail: (p: string) => never): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)|([A-Za-z_\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*(?:\[\d+\](?:\[\d+\]|,\s*\d+\])?)?)|([()+\-*/])|(\S))/y;
  for (let m = re.exec(text); m && m[0] !== ''; m = re.exec(text)) {
    if (m[1] !== undefined) out.push({ t: 'num', text: m[1] });
    else if (m[2] !== undefined) out.push({ t: 'name', text: m[2] });
    else if (m[3] !== undefined) out.push({ t: m[3] as Tok['t'], text: m[3] });
    else fail(`unexpected character '${m[4]}'`);
  }
  out.push({ t: 'end', text: '' });
  return out;
}

const add = (x: Form, y: Form, sign: 1n | -1n): Form => {
  const out = new Map(x);
  for (const [k, v] of y) {
    const s = (out.get(k) ?? new Fraction(0)).add(sign === 1n ? v : v.neg());
    if (s.n === 0n) out.delete(k);
    else out.set(k, s);
  }
  return out;
};
const scale = (f: Form, q: Fraction): Form => (q.n === 0n ? new Map() : new Map([...f].map(([k, v]) => [k, v.mul(q)])));

/** Evaluate one right-hand side to a number, a linear form in one space, or a product of two forms. */
function evaluate(rhs: string, products: Map<string, number>, fail: (p: string) => never): Value {
  const toks = lex(rhs, fail);
  let i = 0;
  const peek = () => toks[i];
  const describe = (t: Tok) => (t.t === 'end' ? 'the end of the statement' : `'${t.text}'`);
  const sum = (): Value => {
    let v = term();
    while (peek().t === '+' || peek().t === '-') {
      const sign = toks[i++].t === '+' ? 1n : -1n;
      const w = term();
      if (v.kind === 'num' && w.kind === 'num') v = { kind: 'num', q: sign === 1n ? v.q.add(w.q) : v.q.sub(w.q) };
      else if (v.kind === 'lin' && w.kind === 'lin' && v.space === w.space) v = { kind: 'lin', space: v.space, form: add(v.form, w.form, sign) };
      else if (v.kind === 'prod' || w.kind === 'prod') fail('a sum of products: write one product per statement and add them in the decoders (c11 = m1 + m2)');
      else fail(`cannot add ${what(v)} and ${what(w)}`);
    }
    return v;
  };
  const term = (): Value => {
    let v = unary();
    // Juxtaposition, as papers write products: (a11 + a22)(b11 + b22).
    while (peek().t === '*' || peek().t === '/' || peek().t === '(') {
      const op = peek().t === '(' ? '*' : toks[i++].t;
      const w = unary();
      if (op === '/') {
        if (w.kind !== 'num') fail(`a divisor must be a number, found ${what(w)}`);
        if (w.q.n === 0n) fail('division by zero');
        v = mulNum(v, w.q.inverse());
      } else if (w.kind === 'num') v = mulNum(v, w.q);
      else if (v.kind === 'num') v = mulNum(w, v.q);
      else if (v.kind === 'lin' && w.kind === 'lin' && new Set([v.space, w.space]).size === 2 && [v.space, w.space].every((s) => s === 'a' || s === 'b')) {
        const [a, b] = v.space === 'a' ? [v.form, w.form] : [w.form, v.form];
        v = { kind: 'prod', scalar: new Fraction(1), a, b };
      } else fail(`cannot multiply ${what(v)} by ${what(w)}; a product is (linear form in a)*(linear form in b)`);
    }
    return v;
  };
  const unary = (): Value => {
    const t = peek();
    if (t.t === '-') return (i++, mulNum(unary(), new Fraction(-1)));
    if (t.t === '+') return (i++, unary());
    if (t.t === 'num') return (i++, { kind: 'num', q: decimalOr(t.text, fail) });
    if (t.t === '(') {
      i++;
      const v = sum();
      if (peek().t !== ')') fail(`expected ')', found ${describe(peek())}`);
      i++;
      return v;
    }
    if (t.t === 'name') {
      i++;
      const e = entry(t.text, fail);
      if (e) {
        if (e[0] === 'c') fail(`'${t.text}' (an entry of C) on a right-hand side; C entries are only assigned`);
        return { kind: 'lin', space: e[0], form: new Map([[`${e[1]},${e[2]}`, new Fraction(1)]]) };
      }
      const k = products.get(t.text);
      if (k !== undefined) return { kind: 'lin', space: 'm', form: new Map([[String(k), new Fraction(1)]]) };
      if (EPSILON.test(t.text)) throw new UnsupportedError('', '', `'${t.text}' looks like the ε of a border-rank (APA) scheme: such schemes compute A·B only in the limit ε → 0, so they are not exact bilinear schemes`);
      return fail(`unknown name '${t.text}': expected an entry a<i><j>, b<j><k> or a product defined before`);
    }
    return fail(`expected a number, an entry or '(', found ${describe(t)}`);
  };
  const v = sum();
  if (peek().t !== 'end') fail(`unexpected ${describe(peek())}`);
  return v;
}

function mulNum(v: Value, q: Fraction): Value {
  if (v.kind === 'num') return { kind: 'num', q: v.q.mul(q) };
  if (v.kind === 'lin') return { kind: 'lin', space: v.space, form: scale(v.form, q) };
  return { ...v, scalar: v.scalar.mul(q) };
}

function what(v: Value): string {
  if (v.kind === 'num') return 'a number';
  if (v.kind === 'prod') return 'a product';
  return v.space === 'm' ? 'a sum of products' : `a linear form in ${v.space}`;
}

/** Build the scheme a program of products and decoders computes. */
export function schemeFromProducts(file: string, text: string, statements: Statement[], opts: ImportOptions, source: string): Scheme<unknown> {
  const products = new Map<string, number>();
  const defs: { line: number; scalar: Fraction; a: Form; b: Form }[] = [];
  const outputs: { line: number; i: number; k: number; form: Form }[] = [];
  for (const s of statements) {
    const fail = (p: string): never => {
      throw new InputError(file, `line ${s.line}`, p);
    };
    let v: Value;
    try {
      v = evaluate(s.rhs, products, fail);
    } catch (err) {
      if (err instanceof UnsupportedError && err.file === '') throw new UnsupportedError(file, `line ${s.line}`, err.problem);
      throw err;
    }
    if (v.kind === 'prod') {
      const name = s.lhs || `m${defs.length + 1}`;
      if (products.has(name)) fail(`product '${name}' is defined twice`);
      products.set(name, defs.length);
      defs.push({ line: s.line, scalar: v.scalar, a: v.a, b: v.b });
      continue;
    }
    const e = s.lhs ? entry(s.lhs, fail) : null;
    if (!e || e[0] !== 'c') fail(s.lhs ? `'${s.lhs}' is assigned ${what(v)}; expected a product (…a…)*(…b…) or an entry of C as a sum of products` : `expected a product (…a…)*(…b…), found ${what(v)}`);
    if (v.kind === 'lin' && v.space !== 'm') fail(`'${s.lhs}' is assigned ${what(v)}; expected a sum of products`);
    outputs.push({ line: s.line, i: e![1], k: e![2], form: v.kind === 'lin' ? v.form : v.kind === 'num' && v.q.n === 0n ? new Map() : fail(`'${s.lhs}' is assigned a number`) });
  }
  if (defs.length === 0) throw new InputError(file, '', 'no products found; expected lines such as m1 = (a11 + a22)*(b11 + b22)');
  if (outputs.length === 0) throw new InputError(file, '', 'no decoders found; expected lines such as c11 = m1 + m4 - m5 + m7');
  const max = (f: (x: [number, number]) => number, forms: Form[]) => Math.max(0, ...forms.flatMap((form) => [...form.keys()].map((k) => f(k.split(',').map(Number) as [number, number]))));
  const format = opts.format ?? formatFromName(file) ?? [
    Math.max(max((x) => x[0], defs.map((d) => d.a)), ...outputs.map((o) => o.i)),
    Math.max(max((x) => x[1], defs.map((d) => d.a)), max((x) => x[0], defs.map((d) => d.b))),
    Math.max(max((x) => x[1], defs.map((d) => d.b)), ...outputs.map((o) => o.k)),
  ] as [number, number, number];
  const [n, m, p] = format;
  const dense = (form: Form, rows: number, cols: number, line: number, what: string) => {
    const out = Array.from({ length: rows * cols }, () => new Fraction(0));
    for (const [k, v] of form) {
      const [r, c] = k.split(',').map(Number);
      if (r > rows || c > cols) throw new InputError(file, `line ${line}`, `${what}${r}${c} is outside <${n},${m},${p}> (${what} is ${rows}×${cols})`);
      out[(r - 1) * cols + (c - 1)] = v;
    }
    return out;
  };
  const terms: RationalTerm[] = defs.map((d) => ({
    line: d.line,
    U: dense(d.a, n, m, d.line, 'a').map((x) => x.mul(d.scalar)),
    V: dense(d.b, m, p, d.line, 'b'),
    W: Array.from({ length: n * p }, () => new Fraction(0)),
  }));
  const seen = new Set<string>();
  for (const o of outputs) {
    if (o.i > n || o.k > p) throw new InputError(file, `line ${o.line}`, `c${o.i}${o.k} is outside <${n},${m},${p}>`);
    if (seen.has(`${o.i},${o.k}`)) throw new InputError(file, `line ${o.line}`, `c${o.i}${o.k} is assigned twice`);
    seen.add(`${o.i},${o.k}`);
    for (const [t, v] of o.form) terms[+t].W[(o.i - 1) * p + (o.k - 1)] = v;
  }
  return rationalScheme(file, terms, format, opts.field ?? fieldMark(file, text)?.field, { source: `${file.split('/').pop()} (${source})` });
}
