import { basename } from '../util/path.ts';
import { C, fieldOf, Fraction, Q, type Field, type FieldTag } from '../field/index.ts';
import { formatOf, makeScheme, SchemeError, type Scheme } from '../scheme/index.ts';
import { decimalOr } from './coeff.ts';
import { fieldMark } from './fieldmark.ts';
import { asInputError, InputError } from './errors.ts';
import type { ImportOptions } from './importer.ts';

/**
 * Flip-graph `.exp` (Kauers–Moosbauer, jakobmoosbauer/flips, mkauers/matrix-multiplication) and the
 * `.txt` of jakobmoosbauer/symmetric-flips: one product per line, e.g.
 *   (a11+a12)*(b21-2*b22)*(c12)        or, in `*_lifted.txt`,   (a11 + a12) (b21 - b22) c12
 * in trace form Σ a_ij b_jk c_ki: `c<k><i>` is C[i][k]. A line may be wrapped as `-( … )`; that sign
 * goes into W, and so does the sign of an A or B factor written as a lone `(-a21)`: the published
 * JSON conversions read the files that way, and readExp agrees with them row for row.
 */

/** One product with exact coefficients, before a field is chosen; `line` is for error messages. */
export interface RationalTerm {
  line: number;
  U: Fraction[];
  V: Fraction[];
  W: Fraction[];
}

/** <n,m,p> as written in the names of the published files, or undefined. */
export function formatFromName(file: string): [number, number, number] | undefined {
  const base = basename(file).replace(/\.[^.]*$/, '');
  const m =
    /(?:^|-)(\d)(\d)(\d)-\d+-mod/.exec(base) ?? // 223-11-mod0, k…-333-23-mod0
    /^(\d)(\d)(\d)[mr]\d+/.exec(base) ?? // 555m93, 666r153
    /(?:^|[^\d])(\d+)x(\d+)x(\d+)(?!\d)/.exec(base); // 2x2x3_r11_Z, 2x2x2_tensor
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** The field the file's name, header or folder declares (the Z2 convention of fieldmark.ts), or undefined. */
export function fieldFromName(file: string, text?: string): FieldTag | undefined {
  return fieldMark(file, text)?.field;
}

/**
 * Turn exact terms into a scheme: the field is the caller's hint, else "Z" for integer coefficients
 * and "Q" otherwise. Coefficients that have no value in the chosen field are reported at their line.
 */
export function rationalScheme(file: string, terms: RationalTerm[], format: [number, number, number], hint: FieldTag | undefined, meta: Record<string, unknown>): Scheme<unknown> {
  const integral = terms.every((t) => [t.U, t.V, t.W].every((row) => row.every((x) => x.d === 1n)));
  const tag: FieldTag = hint ?? (integral ? 'Z' : 'Q');
  const F: Field<unknown> = tryOr(file, '', () => fieldOf(tag));
  const conv = (x: Fraction, line: number): unknown => {
    if (tag === 'Z' && x.d !== 1n) throw new InputError(file, `line ${line}`, `coefficient ${x.toFraction()} is not an integer, but the field is Z`);
    return F === Q ? x : tryOr(file, `line ${line}`, () => F.fromRational(x.s * x.n, x.d));
  };
  const rows = (key: 'U' | 'V' | 'W') => terms.map((t) => t[key].map((x) => conv(x, t.line)));
  return tryOr(file, '', () => makeScheme({ field: F, fieldTag: tag, target: { kind: 'matmul', format }, U: rows('U'), V: rows('V'), W: rows('W'), meta }));
}

/** Run `fn`, re-throwing library errors as InputErrors at `where`. */
function tryOr<T>(file: string, where: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    return asInputError(file, where, err);
  }
}

/** Decode UTF-8 strictly: a binary file should say so, not parse as garbage. */
export function decodeText(data: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new InputError(file, '', 'is not UTF-8 text');
  }
}

// ---------------------------------------------------------------------------------------------
// Reading one line: a tiny expression evaluator whose values are numbers, linear forms in one of
// a/b/c, or products of such forms. Checking degrees while evaluating gives precise messages
// ("two factors in b", "a sum of products") instead of a generic syntax error. Scalars live in Q,
// or in C = Q(i) for files with Python-style complex literals (`(0.5+0.5j)*a12`): a file is read
// over Q first and read again over C only when an imaginary literal turns up.

/** Thrown by the lexer over Q at the first imaginary literal: the file must be read over C. */
class NeedsComplex extends Error {}
/** A scalar of Q (Fraction) or C (Gaussian), as the field in use computes it. */
type S = unknown;

type Letter = 'a' | 'b' | 'c';
/** Coefficients of one linear form keyed by "row,col" (1-based, as written). */
type Form = Map<string, S>;
type Value =
  | { kind: 'num'; q: S }
  | { kind: 'lin'; letter: Letter; form: Form; lone?: boolean }
  | { kind: 'prod'; scalar: S; forms: Partial<Record<Letter, Form>> };

interface Tok {
  t: 'num' | 'var' | '(' | ')' | '+' | '-' | '*' | '/' | 'end';
  col: number;
  text: string;
  q?: S;
  letter?: Letter;
  idx?: [number, number];
}

const MAX_INDEX = 1000;
const VAR_HELP = 'expected a<i><j>, b<j><k> or c<k><i> (1-based; a<i>_<j> when an index exceeds 9)';

function lex(text: string, F: Field<S>, fail: (col: number, problem: string) => never): Tok[] {
  const toks: Tok[] = [];
  // Numbers are integers or decimals, with an optional exponent (read exactly: 0.5 and 5e-1 are 1/2);
  // '/' is an operator, so `p/q`,
  // `(1/2)*a11` and a whole-term `(a…)*(b…)*(c…)/N` all go through the same evaluation.
  // A number directly followed by j or i (`0.5j`), or a lone j or i, is imaginary.
  const re = /\s*(?:((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)([ij](?![A-Za-z0-9_]))?|([A-Za-z][A-Za-z0-9_]*)|([()+\-*/])|(\S))/y;
  for (let m = re.exec(text); m && m[0] !== ''; m = re.exec(text)) {
    const col = m.index + m[0].length - m[0].trimStart().length + 1;
    const tok = m[0].trim();
    const imaginary = m[2] !== undefined || m[3] === 'i' || m[3] === 'j';
    if (imaginary && F !== C) throw new NeedsComplex();
    if (m[1] !== undefined || imaginary) {
      const q = m[1] === undefined ? Q.one : decimalOr(m[1], (p) => fail(col, p));
      toks.push({ t: 'num', col, text: tok, q: F === C ? { re: imaginary ? Q.zero : q, im: imaginary ? q : Q.zero } : q });
    } else if (m[3] !== undefined) {
      toks.push({ t: 'var', col, text: tok, ...variable(m[3], (p) => fail(col, p)) });
    } else if (m[4] !== undefined) {
      toks.push({ t: m[4] as Tok['t'], col, text: tok });
    } else {
      fail(col, `unexpected character '${m[5]}'`);
    }
  }
  toks.push({ t: 'end', col: text.trimEnd().length + 1, text: '' });
  return toks;
}

function variable(name: string, fail: (problem: string) => never): { letter: Letter; idx: [number, number] } {
  const m = /^([abc])_?(\d+)(?:_(\d+))?$/.exec(name);
  if (!m) fail(`unknown variable '${name}'; ${VAR_HELP}`);
  let idx: [number, number];
  if (m[3] !== undefined) idx = [Number(m[2]), Number(m[3])];
  else if (m[2].length === 2) idx = [Number(m[2][0]), Number(m[2][1])];
  else fail(`cannot split the indices of '${name}'; ${VAR_HELP}`);
  if (idx[0] < 1 || idx[1] < 1) fail(`'${name}': indices are 1-based`);
  // A typo like a1_100000 would otherwise make every row of the scheme enormous.
  if (idx[0] > MAX_INDEX || idx[1] > MAX_INDEX) fail(`'${name}': index above ${MAX_INDEX}`);
  return { letter: m[1] as Letter, idx };
}

const scaleForm = (F: Field<S>, f: Form, q: S): Form => new Map([...f].map(([k, v]) => [k, F.mul(v, q)]));

function scale(F: Field<S>, v: Value, q: S): Value {
  if (v.kind === 'num') return { kind: 'num', q: F.mul(v.q, q) };
  if (v.kind === 'lin') return { kind: 'lin', letter: v.letter, form: scaleForm(F, v.form, q) };
  return { ...v, scalar: F.mul(v.scalar, q) };
}

/** Evaluate one line to a product of three linear forms; `fail` throws with a column. */
function evalLine(text: string, F: Field<S>, fail: (col: number, problem: string) => never): Value & { kind: 'prod' } {
  const toks = lex(text, F, fail);
  const minusOne = F.neg(F.one);
  let pos = 0;
  const peek = () => toks[pos];
  const show = (t: Tok) => (t.t === 'end' ? 'end of line' : `'${t.text}'`);

  const add = (x: Value, y: Value, col: number): Value => {
    if (x.kind === 'num' && y.kind === 'num') return { kind: 'num', q: F.add(x.q, y.q) };
    if (x.kind === 'lin' && y.kind === 'lin') {
      if (x.letter !== y.letter) fail(col, `a sum mixes ${x.letter} and ${y.letter}; each factor is a linear form in one matrix`);
      const form = new Map(x.form);
      for (const [k, v] of y.form) form.set(k, F.add(form.get(k) ?? F.zero, v));
      return { kind: 'lin', letter: x.letter, form };
    }
    if (x.kind === 'prod' || y.kind === 'prod') fail(col, 'a sum of products; expected one product of three factors per line');
    return fail(col, 'a constant term in a linear form');
  };

  const mul = (x: Value, y: Value, col: number): Value => {
    if (x.kind === 'num') return scale(F, y, x.q);
    if (y.kind === 'num') return scale(F, x, y.q);
    const asProd = (v: Value & { kind: 'lin' | 'prod' }) => {
      if (v.kind === 'prod') return v;
      // A factor written `(-a21)` or `(-b12)` is kept as +a21 with its sign in the product's scalar,
      // which goes to W: the published JSON conversions of these files read it so.
      if (v.lone && v.letter !== 'c') return { kind: 'prod' as const, scalar: minusOne, forms: { [v.letter]: scaleForm(F, v.form, minusOne) } };
      return { kind: 'prod' as const, scalar: F.one, forms: { [v.letter]: v.form } };
    };
    const [px, py] = [asProd(x), asProd(y)];
    const forms = { ...px.forms };
    for (const l of Object.keys(py.forms) as Letter[]) {
      if (forms[l]) fail(col, `two factors in ${l}; a product has one factor each in a, b and c`);
      forms[l] = py.forms[l];
    }
    return { kind: 'prod', scalar: F.mul(px.scalar, py.scalar), forms };
  };

  const atom = (): Value => {
    const t = toks[pos++];
    if (t.t === 'num') return { kind: 'num', q: t.q! };
    if (t.t === 'var') return { kind: 'lin', letter: t.letter!, form: new Map([[t.idx!.join(','), F.one]]) };
    if (t.t === '(') {
      const lone = toks[pos].t === '-' && toks[pos + 1].t === 'var' && toks[pos + 2].t === ')';
      const v = sum();
      if (peek().t !== ')') fail(peek().col, `expected ')' to close the '(' at column ${t.col}, found ${show(peek())}`);
      pos++;
      return lone && v.kind === 'lin' ? { ...v, lone } : v;
    }
    return fail(t.col, `expected a coefficient, a variable or '(', found ${show(t)}`);
  };

  // Factors may be joined by '*' or written side by side (`*_lifted.txt`), but not two numbers.
  // A divisor must be a number: `/N` scales whatever stands before it.
  const product = (): Value => {
    let v = atom();
    for (;;) {
      const t = peek();
      if (t.t === '/') {
        pos++;
        const d = atom();
        if (d.kind !== 'num') fail(t.col, `a divisor must be a number, found ${d.kind === 'lin' ? 'a linear form in ' + d.letter : 'a product'}`);
        if (F.isZero(d.q)) fail(t.col, `coefficient ${v.kind === 'num' ? F.toString(v.q) : '(…)'}/${F.toString(d.q)} divides by zero`);
        v = scale(F, v, F.inv(d.q));
        continue;
      }
      if (t.t === '*') pos++;
      else if (!(t.t === '(' || t.t === 'var')) return v;
      v = mul(v, atom(), t.col);
    }
  };

  const sum = (): Value => {
    let v: Value | undefined;
    for (;;) {
      const t = peek();
      const sign = t.t === '-' ? -1 : t.t === '+' ? 1 : 0;
      if (sign) pos++;
      else if (v !== undefined) return v;
      const term = sign < 0 ? scale(F, product(), minusOne) : product();
      v = v === undefined ? term : add(v, term, t.col);
    }
  };

  const v = sum();
  if (peek().t !== 'end') fail(peek().col, `unexpected ${show(peek())}${peek().t === ')' ? ' (unbalanced parentheses)' : ''}`);
  const have = v.kind === 'prod' ? Object.keys(v.forms) : v.kind === 'lin' ? [v.letter] : [];
  const missing = ['a', 'b', 'c'].filter((l) => !have.includes(l));
  if (v.kind !== 'prod' || missing.length) fail(1, `expected a product of three factors in a, b and c; no factor in ${missing.join(', ')}`);
  return v;
}

// ---------------------------------------------------------------------------------------------

/** `#` and `//` start comments (whole lines or line ends); neither character occurs in a product. */
function stripComment(line: string): string {
  const at = line.search(/#|\/\//);
  return at < 0 ? line : line.slice(0, at);
}

type ParsedLine = { line: number; scalar: S; forms: Record<Letter, Form> };

/** Read a flip-graph `.exp` / symmetric-flips `.txt` file. */
export function readExp(data: Uint8Array, file: string, opts: ImportOptions = {}): Scheme<unknown> {
  const text = decodeText(data, file);
  let parsed: ParsedLine[];
  let F: Field<S> = Q as Field<S>;
  try {
    parsed = parseLines(text, file, F);
  } catch (err) {
    if (!(err instanceof NeedsComplex)) throw err;
    F = C as Field<S>;
    parsed = parseLines(text, file, F);
  }
  if (parsed.length === 0) throw new InputError(file, 'line 1', 'no products found (empty file); expected one product (a…)*(b…)*(c…) per line');
  const format = opts.format ?? formatFromName(file) ?? inferFormat(parsed);
  const meta = { source: `${basename(file)} (flip-graph .exp)` };
  if (F === C) {
    if (opts.field && opts.field !== 'C') throw new InputError(file, '', `has complex coefficients, but the field given is ${opts.field}`);
    const terms = parsed.map((p) => toTerm(file, p, format, F));
    const rows = (key: 'U' | 'V' | 'W') => terms.map((t) => t[key]);
    return tryOr(file, '', () => makeScheme({ field: C as Field<unknown>, fieldTag: 'C', target: { kind: 'matmul', format }, U: rows('U'), V: rows('V'), W: rows('W'), meta }));
  }
  const terms = parsed.map((p) => toTerm(file, p, format, F) as RationalTerm);
  return rationalScheme(file, terms, format, opts.field ?? fieldFromName(file, text), meta);
}

/** The products of a file, scalars in F. */
function parseLines(text: string, file: string, F: Field<S>): ParsedLine[] {
  const parsed: ParsedLine[] = [];
  // Split on \n only and strip \r: the symmetric-flips files end lines in \r\n and even \r\r\n.
  const lines = text.split('\n');
  // The last line of a file that does not end in a newline may have been cut mid-product.
  let lastBody = lines.length - 1;
  while (lastBody > 0 && stripComment(lines[lastBody]).trim() === '') lastBody--;
  const cut = !/\n\s*$/.test(text);
  lines.forEach((raw, x) => {
    const body = stripComment(raw.replace(/\r+$/, ''));
    if (body.trim() === '') return;
    const fail = (col: number, problem: string): never => {
      const hint = cut && x === lastBody ? 'the file ends inside this product (truncated?): ' : '';
      throw new InputError(file, `line ${x + 1}`, `${hint}${problem} (column ${col})`);
    };
    const v = evalLine(body, F, fail);
    parsed.push({ line: x + 1, scalar: v.scalar, forms: v.forms as Record<Letter, Form> });
  });
  return parsed;
}

/** <n,m,p> from the largest indices: a<i><j>, b<j><k>, c<k><i>. */
function inferFormat(parsed: ParsedLine[]): [number, number, number] {
  let [n, m, p] = [1, 1, 1];
  for (const { forms } of parsed) {
    for (const [letter, form] of Object.entries(forms)) {
      for (const key of form.keys()) {
        const [r, c] = key.split(',').map(Number);
        if (letter === 'a') [n, m] = [Math.max(n, r), Math.max(m, c)];
        if (letter === 'b') [m, p] = [Math.max(m, r), Math.max(p, c)];
        if (letter === 'c') [p, n] = [Math.max(p, r), Math.max(n, c)];
      }
    }
  }
  return [n, m, p];
}

const varName = (letter: string, r: number, c: number) => `${letter}${r}${r > 9 || c > 9 ? '_' : ''}${c}`;

/** Lay one product out in stlkit's rows; the line's scalar (e.g. a leading "-(…)") goes into W. */
function toTerm(file: string, p: ParsedLine, [n, m, pp]: [number, number, number], F: Field<S>): { line: number; U: S[]; V: S[]; W: S[] } {
  const layout = (letter: Letter, rows: number, cols: number, at: (r: number, c: number) => number, q: S) => {
    const out: S[] = Array.from({ length: rows * cols }, () => F.zero);
    for (const [key, v] of p.forms[letter]) {
      const [r, c] = key.split(',').map(Number);
      if (r > rows || c > cols) {
        throw new InputError(file, `line ${p.line}`, `${varName(letter, r, c)} is out of range for <${n},${m},${pp}> (${letter} indices go up to ${varName(letter, rows, cols)})`);
      }
      const t = at(r - 1, c - 1);
      out[t] = F.add(out[t], F.mul(v, q));
    }
    return out;
  };
  return {
    line: p.line,
    U: layout('a', n, m, (i, j) => i * m + j, F.one),
    V: layout('b', m, pp, (j, k) => j * pp + k, F.one),
    // c<k><i> is C[i][k]: the trace form's third factor indexes Cᵀ.
    W: layout('c', pp, n, (k, i) => i * pp + k, p.scalar),
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * A matmul scheme as `.exp` text (trace convention, 1-based). Indices are `a12` while every dimension
 * is at most 9, else `a1_12` (readExp reads both). The text carries no field or format: read a mod-2
 * scheme back under a name containing `mod2` or with opts.field, as the published files do.
 */
export function writeExp(s: Scheme<unknown>): string {
  const [n, m, p] = formatOf(s);
  const F = s.field;
  if (!F.exact || F.name === 'C') throw new SchemeError(`.exp holds rational coefficients; a scheme over ${F.name} cannot be written`);
  const sep = Math.max(n, m, p) > 9 ? '_' : '';
  const factor = (row: readonly unknown[], letter: Letter, rows: number, cols: number, at: (r: number, c: number) => number) => {
    const parts: string[] = [];
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
      const x = row[at(r, c)];
      if (F.isZero(x)) continue;
      const v = `${letter}${r + 1}${sep}${c + 1}`;
      const q = String(F.toJSON(x));
      const neg = q.startsWith('-');
      const mag = neg ? q.slice(1) : q;
      parts.push(`${neg ? '-' : parts.length ? '+' : ''}${mag === '1' ? '' : mag + '*'}${v}`);
    }
    // An all-zero factor still needs its letter so the line keeps three factors.
    if (parts.length === 0) return `(0*${letter}1${sep}1)`;
    // readExp moves the sign of a lone `(-a21)` into W; `-1*` keeps a lone -1 where it is.
    if (parts.length === 1 && letter !== 'c' && /^-[abc]/.test(parts[0])) return `(-1*${parts[0].slice(1)})`;
    return `(${parts.join('')})`;
  };
  return s.U.map((_, t) =>
    [
      factor(s.U[t], 'a', n, m, (i, j) => i * m + j),
      factor(s.V[t], 'b', m, p, (j, k) => j * p + k),
      factor(s.W[t], 'c', p, n, (k, i) => i * p + k),
    ].join('*') + '\n',
  ).join('');
}
