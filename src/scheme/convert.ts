import { fieldOf, FieldError, Fraction, type Field, type FieldTag } from '../field/index.ts';
import { makeScheme, SchemeError, type Scheme } from './scheme.ts';

/**
 * What a coefficient maps from: its exact rational value, or for Z_p the residue's representative
 * in [0, p) (the canonical lift). A value that has no image (R → exact, C with an imaginary part)
 * is a SchemeError.
 */
function sourceValue<E>(F: Field<E>, x: E): [bigint, bigint] {
  try {
    return F.characteristic === 0n ? F.toRational(x) : [BigInt(F.toNumber(x)), 1n];
  } catch (err) {
    if (err instanceof FieldError) throw new SchemeError(err.message);
    throw err;
  }
}

/** The float64 value of a coefficient (toNumber), failing as sourceValue does. */
function floatValue<E>(F: Field<E>, x: E): number {
  try {
    return F.toNumber(x);
  } catch (err) {
    if (err instanceof FieldError) throw new SchemeError(err.message);
    throw err;
  }
}

/**
 * The same scheme with its coefficients mapped into another field: Q → Z_p (reduction; fails on a
 * denominator divisible by p), Z/Q/C → R (for float evaluation; R → R is the identity), Z_p → Q
 * (canonical lift to 0..p-1, useful only as a starting point for lifting), Q → C.
 */
export function changeField<E, E2>(s: Scheme<E>, tag: FieldTag): Scheme<E2> {
  const G = fieldOf(tag) as Field<E2>;
  const F = s.field;
  // R's fromRational divides the converted numerator and denominator, which is what toNumber does.
  const value = G.exact ? (x: E) => {
    const [n, d] = sourceValue(F, x);
    return G.fromRational(n, d);
  } : (x: E) => floatValue(F, x) as E2;
  const map = (M: readonly (readonly E[])[]) => M.map((row) => row.map(value));
  return makeScheme({ field: G, fieldTag: tag, target: s.target, U: map(s.U), V: map(s.V), W: map(s.W), meta: { ...s.meta } });
}

/** "Z" if every coefficient of a Q scheme is an integer, else "Q". */
export function narrowestRationalTag(s: Scheme<Fraction>): 'Z' | 'Q' {
  for (const M of [s.U, s.V, s.W]) for (const row of M) for (const x of row) if (x.d !== 1n) return 'Q';
  return 'Z';
}
