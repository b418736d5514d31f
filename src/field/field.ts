/**
 * The one arithmetic interface every layer above is written against.
 * Elements are opaque to callers; only the field knows how to combine them.
 */
export type JsonCoeff = number | string | [number | string, number | string];

export interface Field<E> {
  /** Tag used in scheme JSON: "Q", "Z2", "Z5", "R", "C". */
  readonly name: string;
  /** False only for floating point; exactness is never decided by an inexact field. */
  readonly exact: boolean;
  /** 0 for characteristic zero. */
  readonly characteristic: bigint;
  readonly zero: E;
  readonly one: E;
  add(a: E, b: E): E;
  sub(a: E, b: E): E;
  mul(a: E, b: E): E;
  neg(a: E): E;
  /** Throws FieldError on zero. */
  inv(a: E): E;
  eq(a: E, b: E): boolean;
  isZero(a: E): boolean;
  fromInt(n: number | bigint): E;
  /** Throws FieldError when den is not invertible in the field (e.g. 1/2 in Z2). */
  fromRational(num: bigint, den: bigint): E;
  /** Parse one JSON coefficient; throws FieldError saying what was expected. */
  parse(x: unknown): E;
  /**
   * The exact rational value as [numerator, denominator], in lowest terms with denominator > 0.
   * Throws FieldError where an element has none: Z_p (a residue is not a rational number), R (a
   * float is an approximation), C with a nonzero imaginary part.
   */
  toRational(a: E): [bigint, bigint];
  /**
   * The value as a float64: a rational as numerator / denominator (each converted to a number
   * first), R as itself, C only with a zero imaginary part (else FieldError), and Z_p the residue's
   * representative in [0, p).
   */
  toNumber(a: E): number;
  toJSON(a: E): JsonCoeff;
  toString(a: E): string;
}

/** An arithmetic or parse failure, phrased for the user (no stack needed). */
export class FieldError extends Error {
  override name = 'FieldError';
}

export function div<E>(F: Field<E>, a: E, b: E): E {
  return F.mul(a, F.inv(b));
}

const INT_RE = /^[+-]?\d+$/;
const RAT_RE = /^([+-]?\d+)\s*\/\s*([+-]?\d+)$/;

/**
 * Read an exact rational from a JSON value: a safe integer, or a string "p", "p/q".
 * Non-integral JSON numbers are refused: a float would silently round.
 */
export function parseRational(x: unknown): [bigint, bigint] {
  if (typeof x === 'number') {
    if (!Number.isInteger(x)) throw new FieldError(`expected an integer or a "p/q" string, got ${x} (non-integral numbers are not exact)`);
    if (!Number.isSafeInteger(x)) throw new FieldError(`integer ${x} is too large to be exact as a JSON number; write it as a string`);
    return [BigInt(x), 1n];
  }
  if (typeof x === 'bigint') return [x, 1n];
  if (typeof x === 'string') {
    const s = x.trim();
    if (INT_RE.test(s)) return [BigInt(s), 1n];
    const m = RAT_RE.exec(s);
    if (m) {
      const den = BigInt(m[2]);
      if (den === 0n) throw new FieldError(`"${x}" has denominator zero`);
      return [BigInt(m[1]), den];
    }
    throw new FieldError(`expected an integer or a "p/q" string, got "${x}"`);
  }
  throw new FieldError(`expected a number or a "p/q" string, got ${describe(x)}`);
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return 'an object';
  if (typeof x === 'string') return `"${x.length > 20 ? x.slice(0, 20) + '…' : x}"`;
  return `${typeof x} ${String(x)}`;
}
