import { Fraction } from '../field/index.ts';
import { InputError } from './errors.ts';

/**
 * PLinOpt linear straight-line programs (`.slp`): one assignment `name:=expr;` per line, read in
 * order. `i<k>` are the inputs, `o<k>` the outputs (both 0-based), any other name a temporary;
 * expressions use + - * / ( ) and exact constants. A name may be reassigned (the program is
 * sequential, so the last value counts) and an output may be read after it is set. Blank lines and
 * `#` comments are skipped; a `#` comment may also follow the `;`.
 *
 * The program is evaluated symbolically, every value being an exact affine form over the inputs,
 * and the result is the matrix of the map: row k holds the coefficients of o<k>. Nothing in the
 * file gives the number of inputs, so `cols` is one more than the largest input index read;
 * an input the program never mentions (a zero column at the end) is invisible — callers that
 * know the true width may widen it.
 *
 * Stricter than PLinOpt's own reader, which skips lines without ":=" and anything after ";": here
 * such text is an error, since silently dropping a line would change the map. PLinOpt's symbolic
 * constants (`c…` names) have no exact value, so like any unassigned name they are refused.
 */
export interface SlpMatrix {
  rows: number;
  cols: number;
  /** 0-based, sorted by row then column, no zeros. */
  entries: { row: number; col: number; v: Fraction }[];
}

/** An affine form: input index → coefficient, plus a constant (only constants may scale or divide). */
interface Affine {
  form: Map<number, Fraction>;
  c: Fraction;
}

type Token = { kind: 'num'; v: Fraction; text: string } | { kind: 'name'; text: string } | { kind: 'op'; text: string };

const ZERO = new Fraction(0);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INPUT = /^i(\d+)$/, OUTPUT = /^o(\d+)$/;

export function parseSlp(bytes: Uint8Array, file: string): SlpMatrix {
  const lines = new TextDecoder().decode(bytes).split(/\r?\n/);
  const vars = new Map<string, Affine>();
  const outputs = new Map<number, { line: number; value: Affine }>();
  let cols = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim(), where = `line ${i + 1}`;
    if (text === '' || text.startsWith('#')) continue;
    const fail: (problem: string) => never = (problem) => {
      throw new InputError(file, where, problem);
    };
    const m = /^([^:=;]*):=([^;]*);\s*(#.*)?$/.exec(text);
    if (!m) {
      const semi = text.indexOf(';');
      const why = !text.includes(':=') ? 'no ":="' : semi < 0 ? 'no ";" at the end'
        : !/^\s*(#|$)/.test(text.slice(semi + 1)) ? 'text after the ";"' : `"${text.slice(0, text.indexOf(':=')).trim()}" is not a variable name`;
      fail(`expected an assignment "name:=expression;", got "${text}" (${why})`);
    }
    const target = m[1].trim();
    if (!NAME.test(target)) fail(`"${target}" is not a variable name`);
    if (INPUT.test(target)) fail(`assigns to the input ${target}; inputs are read-only`);
    const value = evaluate(tokenize(m[2], fail), vars, fail, (k) => (cols = Math.max(cols, k + 1)));
    vars.set(target, value);
    const out = OUTPUT.exec(target);
    if (out) {
      if (value.c.n !== 0n) fail(`${target} has a constant term ${value.c.toFraction()}; a linear program has none`);
      outputs.set(Number(out[1]), { line: i + 1, value });
    }
  }
  if (outputs.size === 0) throw new InputError(file, '', 'assigns no output o0, o1, …: not a PLinOpt straight-line program');
  const rows = Math.max(...outputs.keys()) + 1;
  for (let k = 0; k < rows; k++) {
    if (outputs.has(k)) continue;
    const last = outputs.get(rows - 1)!;
    throw new InputError(file, `line ${last.line}`, `assigns o${rows - 1} but never o${k}; every output o0…o${rows - 1} must be assigned (write o${k}:=0; for a zero row)`);
  }
  const entries: SlpMatrix['entries'] = [];
  for (let row = 0; row < rows; row++) {
    const form = outputs.get(row)!.value.form;
    for (const col of [...form.keys()].sort((a, b) => a - b)) entries.push({ row, col, v: form.get(col)! });
  }
  return { rows, cols, entries };
}

function tokenize(expr: string, fail: (problem: string) => never): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/()]))/y;
  let pos = 0;
  while (pos < expr.length) {
    if (/^\s*$/.test(expr.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(expr);
    if (!m) fail(`unexpected "${expr.slice(pos).trim()[0]}" in "${expr.trim()}"`);
    pos = re.lastIndex;
    if (m[1] !== undefined) {
      const [whole, frac = ''] = m[1].split('.');
      out.push({ kind: 'num', v: new Fraction(BigInt(whole + frac), 10n ** BigInt(frac.length)), text: m[1] });
    } else if (m[2] !== undefined) out.push({ kind: 'name', text: m[2] });
    else out.push({ kind: 'op', text: m[3] });
  }
  return out;
}

/**
 * Recursive descent over  expr := term (± term)* ;  term := unary ((*|/) unary)* ;
 * unary := (±) unary | number | name | ( expr ).
 */
function evaluate(toks: Token[], vars: Map<string, Affine>, fail: (problem: string) => never, sawInput: (k: number) => void): Affine {
  let pos = 0;
  const show = (t: Token | undefined) => (t ? `"${t.text}"` : 'the end of the expression');
  const isOp = (s: string) => toks[pos]?.kind === 'op' && toks[pos].text === s;
  const expr = (): Affine => {
    let a = term();
    while (isOp('+') || isOp('-')) {
      const sign = toks[pos++].text === '+' ? 1 : -1;
      a = combine(a, term(), sign);
    }
    return a;
  };
  const term = (): Affine => {
    let a = unary();
    while (isOp('*') || isOp('/')) {
      const op = toks[pos++].text, b = unary();
      if (op === '*') {
        if (a.form.size && b.form.size) fail('multiplies two variables: the program is not linear');
        a = a.form.size ? scale(a, b.c) : scale(b, a.c);
      } else {
        if (b.form.size) fail('divides by a variable: the program is not linear');
        if (b.c.n === 0n) fail('divides by zero');
        a = scale(a, b.c.inverse());
      }
    }
    return a;
  };
  const unary = (): Affine => {
    if (isOp('+')) return pos++, unary();
    if (isOp('-')) return pos++, scale(unary(), new Fraction(-1));
    const t = toks[pos++];
    if (t?.kind === 'num') return { form: new Map(), c: t.v };
    if (t?.kind === 'name') {
      const input = INPUT.exec(t.text);
      if (input) {
        const k = Number(input[1]);
        sawInput(k);
        return { form: new Map([[k, new Fraction(1)]]), c: ZERO };
      }
      const v = vars.get(t.text);
      if (!v) fail(`uses ${t.text} before it is assigned`);
      return v;
    }
    if (t?.kind === 'op' && t.text === '(') {
      const a = expr();
      if (!isOp(')')) fail(`expected ")" but found ${show(toks[pos])}`);
      pos++;
      return a;
    }
    return fail(`expected a number, a variable or "(" but found ${show(t)}`);
  };
  if (toks.length === 0) fail('the expression is empty');
  const a = expr();
  if (pos < toks.length) fail(`unexpected ${show(toks[pos])} after a complete expression`);
  return a;
}

function combine(a: Affine, b: Affine, sign: 1 | -1): Affine {
  const form = new Map(a.form);
  for (const [k, v] of b.form) {
    const s = (form.get(k) ?? ZERO).add(sign === 1 ? v : v.neg());
    if (s.n === 0n) form.delete(k);
    else form.set(k, s);
  }
  return { form, c: sign === 1 ? a.c.add(b.c) : a.c.sub(b.c) };
}

function scale(a: Affine, x: Fraction): Affine {
  if (x.n === 0n) return { form: new Map(), c: ZERO };
  return { form: new Map([...a.form].map(([k, v]) => [k, v.mul(x)])), c: a.c.mul(x) };
}
