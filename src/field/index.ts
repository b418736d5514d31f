import type { Field } from './field.ts';
import { FieldError } from './field.ts';
import { Q } from './rational.ts';
import { Z2, Zp, isPrime } from './modular.ts';
import { R } from './real.ts';
import { C } from './gaussian.ts';

export * from './field.ts';
export { Q, Fraction, ratToJSON, numDen } from './rational.ts';
export { Z2, Zp, isPrime } from './modular.ts';
export { R } from './real.ts';
export { C, gaussianParts, type Gaussian } from './gaussian.ts';
export { rankOf, Echelon, det, rankOneFactors, normaliseFirst, proportional } from './linalg.ts';

/**
 * Field tags of scheme JSON. "Z" is not a field: it marks integer coefficients, valid over every
 * ring; its arithmetic is Q's, and the loader checks integrality.
 */
export type FieldTag = 'Z' | 'Q' | 'Z2' | `Z${number}` | 'R' | 'C';

export const FIELD_TAGS_HELP = 'one of Z, Q, Z2, Zp (p prime, e.g. Z3), R, C';

export function isFieldTag(s: string): s is FieldTag {
  if (s === 'Z' || s === 'Q' || s === 'R' || s === 'C' || s === 'Z2') return true;
  const m = /^Z(\d+)$/.exec(s);
  return m !== null && isPrime(Number(m[1]));
}

/** The arithmetic a field tag computes in. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fieldOf(tag: string): Field<any> {
  switch (tag) {
    case 'Z':
    case 'Q':
      return Q;
    case 'Z2':
      return Z2;
    case 'R':
      return R;
    case 'C':
      return C;
  }
  const m = /^Z(\d+)$/.exec(tag);
  if (m && isPrime(Number(m[1]))) return Zp(Number(m[1]));
  throw new FieldError(`unknown field "${tag}"; expected ${FIELD_TAGS_HELP}`);
}
