import type { Fraction } from '../field/index.ts';
import { builtinScheme } from '../library/builtin.ts';
import { kron, type Scheme } from '../scheme/index.ts';
import { coverPlan, coverTable, describePlan, planScheme } from './cover.ts';
import { subSchemes } from './subschemes.ts';
import { padRational } from './isotropic.ts';

/**
 * Strassen-based block starts for even t: Strassen on 2×2 blocks of (t/2)×(t/2) tiles whose block
 * products use the best embedded-sub-scheme approximation X of <t/2,t/2,t/2> with k = ⌊r/7⌋
 * products, and the other nesting X ⊗ Strassen. Strassen is exact, so kron(S, X) computes
 * T₂ ⊗ T̂_X and its error is exactly X's: ‖T₂ ⊗ (T_X − T̂_X)‖² / ‖T₂ ⊗ T_X‖² = e(X).
 * Rank 7k ≤ r; the rest are zero products (refinement puts them to use).
 */
export interface BlockStart {
  label: string;
  scheme: Scheme<Fraction>;
}

export function strassenBlockStarts(t: number, r: number, published?: boolean): BlockStart[] {
  if (t % 2 !== 0 || r < 7) return [];
  const h = t / 2, k = Math.min(Math.floor(r / 7), h ** 3);
  const inner = coverPlan(coverTable(h, subSchemes(h, { published })), k);
  const X = planScheme(inner);
  const S = builtinScheme('strassen') as Scheme<Fraction>;
  const what = `<${h},${h},${h}>:${k} (${describePlan(inner)})`;
  return [
    { label: `strassen ⊗ ${what}`, scheme: withSource(padRational(kron(S, X), r), `stlkit universal: Strassen ⊗ ${what}`) },
    { label: `${what} ⊗ strassen`, scheme: withSource(padRational(kron(X, S), r), `stlkit universal: ${what} ⊗ Strassen`) },
  ];
}

function withSource(s: Scheme<Fraction>, source: string): Scheme<Fraction> {
  return { ...s, meta: { source } };
}
