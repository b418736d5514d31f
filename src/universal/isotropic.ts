import { Fraction, Q } from '../field/index.ts';
import { makeScheme, type Scheme, type SchemeMeta } from '../scheme/index.ts';
import { schemeNormSq, type Factors } from '../cp/factors.ts';
import { matmulProblem, residualOf, type CpProblem } from '../cp/problem.ts';
import { verifyScheme } from '../verify/index.ts';

/**
 * The tile tensor T = <t,t,t> and the isotropic error e = ‖T − T̂‖²/‖T‖² (‖T‖² = t³) computed three
 * ways: densely in float64, from Gram matrices (cheap, for the inner loops), and exactly over Q by
 * the verifier, for the rational schemes built here. (Float factors ↔ schemes: src/cp/convert.ts.)
 */
export function tileProblem(t: number, r: number): CpProblem {
  return matmulProblem([t, t, t], r);
}

/** e in float64 from the dense residual (accurate also when e is tiny). */
export function floatError(P: CpProblem, F: Factors): number {
  return residualOf(P, F) / P.tSq;
}

/**
 * e from ‖T̂‖² = Σ_{l,l'} (UUᵀ∘VVᵀ∘WWᵀ)_{ll'} and ⟨T,T̂⟩ over the nonzeros of T: O(r²(a+b+c) + r·nnz)
 * instead of O(r·abc). Cancellation limits it to ~1e-13 absolute; the loops only compare values.
 */
export function gramError(P: CpProblem, F: Factors): number {
  const { a, b, c, r, idx, val } = P;
  const { U, V, W } = F;
  const hat = schemeNormSq(F, r, a, b, c);
  let inner = 0;
  for (let e = 0; e < val.length; e++) {
    const al = idx[3 * e], be = idx[3 * e + 1], ga = idx[3 * e + 2];
    let s = 0;
    for (let l = 0; l < r; l++) s += U[l * a + al] * V[l * b + be] * W[l * c + ga];
    inner += val[e] * s;
  }
  return Math.max(0, (P.tSq - 2 * inner + hat) / P.tSq);
}

/** Rational rows as a scheme over Q for <t,t,t> (tag "Z" when every coefficient is an integer). */
export function rationalScheme(t: number, U: Fraction[][], V: Fraction[][], W: Fraction[][], meta: SchemeMeta = {}): Scheme<Fraction> {
  const integral = [U, V, W].every((M) => M.every((row) => row.every((x) => x.d === 1n)));
  return makeScheme({ field: Q, fieldTag: integral ? 'Z' : 'Q', target: { kind: 'matmul', format: [t, t, t] }, U, V, W, meta });
}

/** Zero rows appended to a rational scheme's factors (a start with fewer products than r). */
export function padRational(s: Scheme<Fraction>, r: number): Scheme<Fraction> {
  const [t] = s.target.kind === 'matmul' ? s.target.format : [0];
  const zero = () => new Array<Fraction>(t * t).fill(Q.zero);
  const pad = (M: readonly (readonly Fraction[])[]) => [...M.map((x) => [...x]), ...Array.from({ length: Math.max(0, r - M.length) }, zero)];
  return rationalScheme(t, pad(s.U), pad(s.V), pad(s.W), s.meta);
}

/** The exact isotropic error of a rational scheme, by the verifier (0 when it is exact). */
export function exactError(s: Scheme<Fraction>): Fraction {
  const rep = verifyScheme(s, { maxFailures: 0 });
  if (rep.kind !== 'exact') throw new Error('exactError needs a scheme over Q');
  return rep.exact ? new Fraction(0) : new Fraction(rep.isotropicError!);
}

/** "p/q ≈ 0.xxxx" for reports. */
export function showFraction(f: Fraction): string {
  return f.n === 0n ? '0' : `${f.toFraction()} ≈ ${f.valueOf().toFixed(6)}`;
}

/**
 * The isotropic error of any <t,t,t> scheme recomputed from scratch by the verifier: exactly for
 * Q/Z schemes (a fraction), in float64 for R schemes (residual² / t³, stated as such).
 */
export function certifiedError(s: Scheme<unknown>): { value: number; exact: Fraction | null; text: string } {
  const rep = verifyScheme(s, { maxFailures: 0 });
  if (rep.kind === 'float') {
    const [t] = s.target.kind === 'matmul' ? s.target.format : [NaN];
    const value = rep.residualSq / t ** 3;
    return { value, exact: null, text: `${value.toPrecision(8)} (float64)` };
  }
  const exact = rep.exact ? new Fraction(0) : new Fraction(rep.isotropicError!);
  return { value: exact.valueOf(), exact, text: `${showFraction(exact)} (exact over Q)` };
}
