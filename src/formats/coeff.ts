import { Fraction } from '../field/index.ts';

/**
 * Exact evaluation of coefficient expressions as producers write them inside matrix entries:
 * numbers (integers, decimals and scientific notation read exactly, so 0.5 and 5e-1 are 1/2), + − * /, unary signs and parentheses,
 * e.g. `(0-1*1)`, `(1+1)`, `(-0+1)`, `-3/4`. A hand-written recursive descent is enough: the
 * grammar is five rules, every value stays a BigInt fraction (no float ever decides a coefficient),
 * and it runs inside import loops over hundreds of thousands of entries, where a general
 * expression library's parse-and-compile per entry would dominate the import time.
 */

/** The token stream the evaluator reads: a format's own tokens, numbers and one-character punctuation. */
export interface CoeffTokens {
  /** The next token's kind and text, without consuming it. */
  peek(): { kind: string; text: string };
  /** Consume the next token. */
  next(): unknown;
  /** Report a problem at the next token (throws). */
  fail(problem: string): never;
}

/**
 * An unsigned decimal literal as an exact fraction: "0.5" is 1/2 and "1e-3" is 1/1000, never a
 * float. The exponent is bounded so that a typo such as 1e999999 cannot allocate a huge BigInt.
 */
export function exactDecimal(text: string): Fraction {
  const [mantissa, exp = '0'] = text.split(/[eE]/);
  const [int, frac = ''] = mantissa.split('.');
  const e = Number(exp) - frac.length;
  if (Math.abs(e) > MAX_EXPONENT) throw new RangeError(`exponent of ${text} is out of range (at most ${MAX_EXPONENT})`);
  const digits = BigInt((int || '0') + frac);
  return e >= 0 ? new Fraction(digits * 10n ** BigInt(e), 1n) : new Fraction(digits, 10n ** BigInt(-e));
}

const MAX_EXPONENT = 1000;

/** exactDecimal, with an exponent out of range reported through `fail` (an importer's InputError). */
export function decimalOr(text: string, fail: (problem: string) => never): Fraction {
  try {
    return exactDecimal(text);
  } catch (err) {
    if (err instanceof RangeError) return fail(err.message);
    throw err;
  }
}

/** Evaluate one coefficient expression from `c`, stopping before the first token that cannot continue it. */
export function evalCoeff(c: CoeffTokens, context: string): Fraction {
  const is = (text: string) => {
    const t = c.peek();
    return t.kind === 'punct' && t.text === text;
  };
  const sum = (): Fraction => {
    let v = product();
    for (;;) {
      if (is('+')) (c.next(), (v = v.add(product())));
      else if (is('-')) (c.next(), (v = v.sub(product())));
      else return v;
    }
  };
  const product = (): Fraction => {
    let v = unary();
    for (;;) {
      if (is('*')) (c.next(), (v = v.mul(unary())));
      else if (is('/')) {
        c.next();
        const before = c.peek().text;
        const d = unary();
        if (d.n === 0n) c.fail(`coefficient ${v.toFraction()}/${before} divides by zero`);
        v = v.div(d);
      } else return v;
    }
  };
  const unary = (): Fraction => {
    if (is('-')) return (c.next(), unary().neg());
    if (is('+')) return (c.next(), unary());
    const t = c.peek();
    if (t.kind === 'num') {
      const q = decimalOr(t.text, (p) => c.fail(p));
      return (c.next(), q);
    }
    if (is('(')) {
      c.next();
      const v = sum();
      if (!is(')')) c.fail(`expected ')' to close a parenthesised ${context}, found ${t.kind === 'end' ? 'end of file' : `'${c.peek().text}'`}`);
      c.next();
      return v;
    }
    return c.fail(`expected a number ${context}, found ${t.kind === 'end' ? 'end of file' : `'${t.text}'`}`);
  };
  return sum();
}
