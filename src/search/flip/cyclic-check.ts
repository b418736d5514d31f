import { formatOf, rotateScheme, type Scheme } from '../../scheme/index.ts';

/**
 * Whether a <n,n,n> scheme is invariant under the cyclic Z3 action, checked from the scheme alone
 * (independently of how a search built it): rotateScheme must map its multiset of rank-one terms
 * onto itself. A term u⊗v⊗w equals su⊗tv⊗w/(st), so terms are compared after scaling the first
 * nonzero entries of u and v to 1 (over Z2 nothing changes). Exact fields only.
 */
export interface CyclicInvariance {
  invariant: boolean;
  /** Terms with τt = t (fixed terms d⊗d⊗d in trace form), and the 3-term orbits of the rest. */
  fixed: number;
  orbits: number;
}

export function cyclicInvariance<E>(s: Scheme<E>): CyclicInvariance {
  const [n, m, p] = formatOf(s);
  if (n !== m || m !== p) return { invariant: false, fixed: 0, orbits: 0 };
  if (!s.field.exact) throw new Error('cyclic invariance is checked over exact fields only');
  const keys = termKeys(s), rotated = termKeys(rotateScheme(s));
  const count = new Map<string, number>();
  for (const k of keys) count.set(k, (count.get(k) ?? 0) + 1);
  for (const k of rotated) {
    const c = count.get(k);
    if (!c) return { invariant: false, fixed: 0, orbits: 0 };
    count.set(k, c - 1);
  }
  // A zero term would be fixed but is no fixed term d⊗d⊗d; it cannot occur in a reduced scheme.
  const fixed = keys.filter((k, t) => k === rotated[t]).length;
  return { invariant: true, fixed, orbits: (keys.length - fixed) / 3 };
}

/** One string per term, the same for every scaling of the same rank-one tensor. */
function termKeys<E>(s: Scheme<E>): string[] {
  const F = s.field;
  const firstNonzero = (row: readonly E[]) => row.find((x) => !F.isZero(x));
  return s.U.map((u, l) => {
    const v = s.V[l], w = s.W[l];
    const su = firstNonzero(u), sv = firstNonzero(v);
    if (su === undefined || sv === undefined || w.every((x) => F.isZero(x))) return 'zero';
    const iu = F.inv(su), iv = F.inv(sv), sw = F.mul(su, sv);
    const str = (row: readonly E[], k: E) => row.map((x) => F.toString(F.mul(x, k))).join(',');
    return `${str(u, iu)}|${str(v, iv)}|${str(w, sw)}`;
  });
}
