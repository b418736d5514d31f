import { FieldError, parseRational, type Field } from './field.ts';

/** float64: for approximate schemes only. Never used to decide exactness. */
export const R: Field<number> = {
  name: 'R',
  exact: false,
  characteristic: 0n,
  zero: 0,
  one: 1,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  neg: (a) => -a,
  inv: (a) => {
    if (a === 0) throw new FieldError('division by zero in R');
    return 1 / a;
  },
  eq: (a, b) => a === b,
  isZero: (a) => a === 0,
  fromInt: (n) => Number(n),
  fromRational: (num, den) => {
    if (den === 0n) throw new FieldError('denominator zero');
    return Number(num) / Number(den);
  },
  parse: (x) => {
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) throw new FieldError(`expected a finite number, got ${x}`);
      return x;
    }
    if (typeof x === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(x.trim())) return Number(x);
    const [n, d] = parseRational(x);
    return Number(n) / Number(d);
  },
  toRational: () => {
    throw new FieldError('coefficients over R have no exact rational value');
  },
  toNumber: (a) => a,
  toJSON: (a) => a,
  toString: (a) => String(a),
};
