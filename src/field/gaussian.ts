import { Fraction, Q, numDen, ratToJSON } from './rational.ts';
import { FieldError, describe, parseRational, type Field } from './field.ts';

/** An element re + im·i of Q(i). */
export interface Gaussian {
  readonly re: Fraction;
  readonly im: Fraction;
}

const g = (re: Fraction, im: Fraction): Gaussian => ({ re, im });

/** The real part, refusing a nonzero imaginary part: C → Q and C → R exist only on real values. */
function realPart(a: Gaussian): Fraction {
  if (a.im.n !== 0n) throw new FieldError('a coefficient with nonzero imaginary part has no image outside C');
  return a.re;
}

/**
 * "C" in scheme JSON: complex coefficients with rational parts, i.e. exact arithmetic in Q(i).
 * Published complex schemes (AlphaEvolve <4,4,4>:48) have entries in ½·Z[i].
 */
export const C: Field<Gaussian> = {
  name: 'C',
  exact: true,
  characteristic: 0n,
  zero: g(Q.zero, Q.zero),
  one: g(Q.one, Q.zero),
  add: (a, b) => g(a.re.add(b.re), a.im.add(b.im)),
  sub: (a, b) => g(a.re.sub(b.re), a.im.sub(b.im)),
  mul: (a, b) => g(a.re.mul(b.re).sub(a.im.mul(b.im)), a.re.mul(b.im).add(a.im.mul(b.re))),
  neg: (a) => g(a.re.neg(), a.im.neg()),
  inv: (a) => {
    const n = a.re.mul(a.re).add(a.im.mul(a.im));
    if (n.n === 0n) throw new FieldError('division by zero in C');
    return g(a.re.div(n), a.im.neg().div(n));
  },
  eq: (a, b) => a.re.equals(b.re) && a.im.equals(b.im),
  isZero: (a) => a.re.n === 0n && a.im.n === 0n,
  fromInt: (n) => g(new Fraction(BigInt(n)), Q.zero),
  fromRational: (num, den) => g(Q.fromRational(num, den), Q.zero),
  parse: (x) => {
    if (Array.isArray(x)) {
      if (x.length !== 2) throw new FieldError(`expected a complex pair [re, im], got ${describe(x)}`);
      const [a, b] = [parseRational(x[0]), parseRational(x[1])];
      return g(new Fraction(a[0], a[1]), new Fraction(b[0], b[1]));
    }
    const [n, d] = parseRational(x);
    return g(new Fraction(n, d), Q.zero);
  },
  toRational: (a) => numDen(realPart(a)),
  toNumber: (a) => Q.toNumber(realPart(a)),
  toJSON: (a) => [ratToJSON(a.re), ratToJSON(a.im)],
  toString: (a) => {
    if (a.im.n === 0n) return a.re.toFraction();
    const im = a.im.abs().equals(1) ? '' : a.im.abs().toFraction();
    const sign = a.im.s < 0n ? '-' : '+';
    if (a.re.n === 0n) return `${a.im.s < 0n ? '-' : ''}${im}i`;
    return `(${a.re.toFraction()}${sign}${im}i)`;
  },
};

/**
 * An element of C as its real and imaginary parts, or null when the field is not C: for the few
 * places that need both parts (printing (1+i)/2, reducing Q(i) mod p, the Gaussian verifier).
 */
export function gaussianParts<E>(F: Field<E>, a: E): Gaussian | null {
  return (F as Field<unknown>) === C ? (a as unknown as Gaussian) : null;
}
