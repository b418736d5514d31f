import Fraction from 'fraction.js';
import { FieldError, parseRational, type Field } from './field.ts';

export { Fraction };

/** Q: exact rationals, BigInt-backed through fraction.js. */
export const Q: Field<Fraction> = {
  name: 'Q',
  exact: true,
  characteristic: 0n,
  zero: new Fraction(0),
  one: new Fraction(1),
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  neg: (a) => a.neg(),
  inv: (a) => {
    if (a.n === 0n) throw new FieldError('division by zero in Q');
    return a.inverse();
  },
  eq: (a, b) => a.equals(b),
  isZero: (a) => a.n === 0n,
  fromInt: (n) => new Fraction(BigInt(n)),
  fromRational: (num, den) => {
    if (den === 0n) throw new FieldError('denominator zero');
    return new Fraction(num, den);
  },
  parse: (x) => {
    const [n, d] = parseRational(x);
    return new Fraction(n, d);
  },
  toRational: (a) => numDen(a),
  toNumber: (a) => Number(a.s * a.n) / Number(a.d),
  toJSON: (a) => ratToJSON(a),
  toString: (a) => a.toFraction(),
};

/** Integers as JSON numbers when safe, everything else as "p/q" strings. */
export function ratToJSON(a: Fraction): number | string {
  if (a.d === 1n) {
    const v = a.s * a.n;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  return a.toFraction();
}

/** Signed numerator and denominator of a Fraction. */
export function numDen(a: Fraction): [bigint, bigint] {
  return [a.s * a.n, a.d];
}
