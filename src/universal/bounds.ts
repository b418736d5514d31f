import { Fraction } from '../field/index.ts';

/**
 * Provable lower bounds on min e over rank-r approximations of T = <t,t,t>, e = ‖T − T̂‖²/t³.
 *
 * Flattening (r < t²): the flattening of T with rows (i,j) and columns ((j',k),(i',k')) has in row
 * (i,j) ones exactly at the t columns ((j,k),(i,k)), k = 1..t. Different rows have disjoint
 * supports, so the t² rows are orthogonal of norm √t: t² singular values, all √t. A rank-r T̂ has a
 * flattening of rank ≤ r, and by Eckart–Young ‖T − T̂‖² ≥ (t² − r)·t, i.e. e ≥ (t² − r)/t².
 *
 * Spectral (r = 1): ⟨T, A⊗B⊗C⟩ = Σ A_ij B_jk C_ik = tr(A·B·Cᵀ) ≤ ‖A‖_F‖B‖_F‖C‖_F, so the spectral
 * norm of T is 1 (reached by e₁₁⊗e₁₁⊗e₁₁) and the best rank-one approximation leaves t³ − 1:
 * e ≥ 1 − 1/t³, attained.
 *
 * Nothing is claimed for r ≥ t² (the bound there is only the trivial 0).
 */
export interface LowerBound {
  value: Fraction;
  /** Which argument proves it. */
  reason: 'spectral' | 'flattening' | 'trivial';
}

export function lowerBound(t: number, r: number): LowerBound | null {
  if (r <= 0) return { value: new Fraction(1), reason: 'trivial' };
  if (r === 1) return { value: new Fraction(t ** 3 - 1, t ** 3), reason: 'spectral' };
  if (r < t * t) return { value: new Fraction(t * t - r, t * t), reason: 'flattening' };
  return null;
}

export function describeBound(b: LowerBound | null): string {
  if (!b) return 'none proven (r ≥ t²)';
  const why = b.reason === 'flattening' ? 'flattening rank' : b.reason === 'spectral' ? 'spectral norm 1' : 'no products';
  return `${b.value.toFraction()} ≈ ${b.value.valueOf().toFixed(4)} (${why})`;
}
