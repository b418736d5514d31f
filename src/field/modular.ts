import { FieldError, parseRational, type Field } from './field.ts';

/**
 * Z_p for a prime p below 2^31, elements as numbers in [0, p).
 * Products go through BigInt only when they could exceed 2^53.
 */
export function Zp(p: number): Field<number> {
  if (!Number.isInteger(p) || p < 2 || p >= 2 ** 31 || !isPrime(p)) {
    throw new FieldError(`Z_p needs a prime p below 2^31, got ${p}`);
  }
  const P = BigInt(p);
  const small = p < 2 ** 26;
  const mod = (a: number) => ((a % p) + p) % p;
  const mul = small
    ? (a: number, b: number) => (a * b) % p
    : (a: number, b: number) => Number((BigInt(a) * BigInt(b)) % P);
  const inv = (a: number) => {
    if (a === 0) throw new FieldError(`division by zero in Z${p}`);
    // Extended Euclid on BigInt: exact for every p < 2^31.
    let [r0, r1] = [P, BigInt(a)];
    let [t0, t1] = [0n, 1n];
    while (r1 !== 0n) {
      const q = r0 / r1;
      [r0, r1] = [r1, r0 - q * r1];
      [t0, t1] = [t1, t0 - q * t1];
    }
    return Number(((t0 % P) + P) % P);
  };
  const fromBig = (n: bigint) => Number(((n % P) + P) % P);
  const F: Field<number> = {
    name: p === 2 ? 'Z2' : `Z${p}`,
    exact: true,
    characteristic: P,
    zero: 0,
    one: 1,
    add: (a, b) => (a + b) % p,
    sub: (a, b) => mod(a - b),
    mul,
    neg: (a) => (a === 0 ? 0 : p - a),
    inv,
    eq: (a, b) => a === b,
    isZero: (a) => a === 0,
    fromInt: (n) => (typeof n === 'bigint' ? fromBig(n) : Number.isSafeInteger(n) ? mod(n) : fromBig(BigInt(n))),
    fromRational: (num, den) => {
      const d = fromBig(den);
      if (d === 0) throw new FieldError(`denominator ${den} is not invertible in Z${p}`);
      return mul(fromBig(num), inv(d));
    },
    parse: (x) => {
      const [n, d] = parseRational(x);
      return F.fromRational(n, d);
    },
    toRational: () => {
      throw new FieldError(`coefficients over Z${p} have no exact rational value`);
    },
    toNumber: (a) => a,
    toJSON: (a) => a,
    toString: (a) => String(a),
  };
  return F;
}

export function isPrime(n: number): boolean {
  if (n < 2 || !Number.isInteger(n)) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

/** Z2 as a field of 0/1 numbers; schemes over Z2 are bit-packed by the verifier and search. */
export const Z2: Field<number> = Zp(2);
