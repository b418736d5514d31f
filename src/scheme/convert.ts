import { fieldOf, Fraction, type Field, type FieldTag } from '../field/index.ts';
import { makeScheme, SchemeError, type Scheme } from './scheme.ts';

/** Exact rational value of a coefficient, when the field has one (Q, Z, and Z_p residues as integers). */
function asRational<E>(F: Field<E>, x: E): [bigint, bigint] {
  if (F.name === 'Q') {
    const f = x as unknown as Fraction;
    return [f.s * f.n, f.d];
  }
  if (/^Z\d+$/.test(F.name)) return [BigInt(x as unknown as number), 1n];
  if (F.name === 'C') {
    const g = x as unknown as { re: Fraction; im: Fraction };
    if (g.im.n !== 0n) throw new SchemeError('a coefficient with nonzero imaginary part has no image outside C');
    return [g.re.s * g.re.n, g.re.d];
  }
  throw new SchemeError(`coefficients over ${F.name} have no exact rational value`);
}

/**
 * The same scheme with its coefficients mapped into another field: Q → Z_p (reduction; fails on a
 * denominator divisible by p), Z/Q → R (for float evaluation), Z_p → Q (canonical lift to
 * 0..p-1, useful only as a starting point for lifting), Q → C.
 */
export function changeField<E, E2>(s: Scheme<E>, tag: FieldTag): Scheme<E2> {
  const G = fieldOf(tag) as Field<E2>;
  const map = (M: readonly (readonly E[])[]) => M.map((row) => row.map((x) => {
    const [n, d] = asRational(s.field, x);
    return G.fromRational(n, d);
  }));
  return makeScheme({ field: G, fieldTag: tag, target: s.target, U: map(s.U), V: map(s.V), W: map(s.W), meta: { ...s.meta } });
}

/** "Z" if every coefficient of a Q scheme is an integer, else "Q". */
export function narrowestRationalTag(s: Scheme<Fraction>): 'Z' | 'Q' {
  for (const M of [s.U, s.V, s.W]) for (const row of M) for (const x of row) if (x.d !== 1n) return 'Q';
  return 'Z';
}
