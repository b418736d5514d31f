import type { Field } from '../field/index.ts';
import type { Scheme } from '../scheme/index.ts';
import { normaliseFirst } from '../field/linalg.ts';

/**
 * A scheme is a multiset of rank-one tensors u⊗v⊗w, and u⊗v⊗w = (λu)⊗(μv)⊗(w/λμ): the factors of
 * one product are defined only up to these scalings. A term's key scales u and v to first nonzero
 * entry 1 and moves the scalars into w, so two products have the same key iff they are the same
 * tensor. Two schemes are "the same" iff their sorted key lists agree.
 */
export function termKey<E>(F: Field<E>, u: readonly E[], v: readonly E[], w: readonly E[]): string {
  const [un, a] = normaliseFirst(F, u);
  const [vn, b] = normaliseFirst(F, v);
  const ab = F.mul(a, b);
  // A term with a zero factor is the zero tensor, whatever the other two factors are.
  if (un.every((x) => F.isZero(x)) || vn.every((x) => F.isZero(x)) || w.every((x) => F.isZero(x))) return '0';
  const s = (x: readonly E[]) => x.map((t) => F.toString(t)).join(',');
  return `${s(un)}|${s(vn)}|${s(w.map((x) => F.mul(x, ab)))}`;
}

export function termKeys<E>(s: Scheme<E>): string[] {
  return s.U.map((u, l) => termKey(s.field, u, s.V[l], s.W[l]));
}

/** Sorted term keys: equal for two schemes iff they hold the same rank-one tensors (with multiplicity). */
export function termMultiset<E>(s: Scheme<E>): string[] {
  return termKeys(s).sort();
}

export function sameTerms<E>(a: Scheme<E>, b: Scheme<E>): boolean {
  if (a.U.length !== b.U.length || a.field.name !== b.field.name) return false;
  const x = termMultiset(a), y = termMultiset(b);
  return x.every((k, i) => k === y[i]);
}

/**
 * The permutation π of products with term(a, l) = term(b, π[l]), or null when the term multisets differ.
 * Repeated terms are matched in order.
 */
export function termPermutation<E>(a: Scheme<E>, b: Scheme<E>): number[] | null {
  if (a.U.length !== b.U.length) return null;
  const where = new Map<string, number[]>();
  termKeys(b).forEach((k, l) => where.set(k, [...(where.get(k) ?? []), l]));
  const out: number[] = [];
  for (const k of termKeys(a)) {
    const list = where.get(k);
    if (!list || list.length === 0) return null;
    out.push(list.shift()!);
  }
  return out;
}
