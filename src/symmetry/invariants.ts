import type { Field } from '../field/index.ts';
import { formatOf, unflatten, type Mat, type Permutation, type Scheme } from '../scheme/index.ts';
import { allowedPerms, permuteTriple, type PermSet } from './action.ts';
import { rankOf } from '../field/linalg.ts';

/**
 * Invariants of a scheme under (P, Q, R) and σ, used to say "not equivalent" fast and to restrict
 * which product of one scheme can correspond to which product of the other:
 *  - per product, the ranks (r_u, r_v, r_w) of its three factor matrices (Heule–Kauers–Seidl); a
 *    basis change keeps each rank, σ permutes the triple;
 *  - per pair of products, for each factor, the ranks along the pencil spanned by the two factor
 *    matrices (GL-invariant, and scale-invariant because the pencil is the same line);
 *  - colour refinement (Weisfeiler–Leman) of products by those pair data: after a few rounds each
 *    product has a colour that any symmetry preserves; the sorted colours are a scheme invariant.
 */

export interface TermData<E> {
  readonly u: Mat<E>;
  readonly v: Mat<E>;
  readonly w: Mat<E>;
  readonly ranks: [number, number, number];
}

export function termData<E>(s: Scheme<E>): TermData<E>[] {
  const F = s.field;
  const [n, m, p] = formatOf(s);
  return s.U.map((uf, l) => {
    const u = unflatten(uf, n, m), v = unflatten(s.V[l], m, p), w = unflatten(s.W[l], n, p);
    return { u, v, w, ranks: [rankOf(F, u), rankOf(F, v), rankOf(F, w)] };
  });
}

/** "1,1,2×5 1,2,2×3 …": the multiset of sorted rank triples, in a fixed order. */
export function sortedTripleMultiset(data: readonly TermData<unknown>[]): string {
  return multiset(data.map((d) => [...d.ranks].sort((a, b) => a - b).join(',')));
}

function multiset(keys: string[]): string {
  const c = new Map<string, number>();
  for (const k of keys) c.set(k, (c.get(k) ?? 0) + 1);
  return [...c].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => `${k}×${x}`).join(' ');
}

/**
 * Ranks along the pencil {αx + βy}: over a small prime field, the sorted ranks at every point of the
 * projective line; otherwise the generic rank, which is attained at one of t = 0..k for x + t·y
 * (k = min dimension; a nonzero minor of size ≤ k vanishes at ≤ k values of t).
 */
function pencil<E>(F: Field<E>, x: Mat<E>, y: Mat<E>): string {
  const comb = (t: E) => x.map((row, i) => row.map((a, j) => F.add(a, F.mul(t, y[i][j]))));
  const p = Number(F.characteristic);
  if (p > 0 && p <= 7) {
    const ranks = [rankOf(F, y)];
    for (let t = 0; t < p; t++) ranks.push(rankOf(F, comb(F.fromInt(t))));
    return ranks.sort((a, b) => a - b).join('');
  }
  const k = Math.min(x.length, x[0]?.length ?? 0);
  let best = 0;
  for (let t = 0; t <= k; t++) best = Math.max(best, rankOf(F, comb(F.fromInt(t))));
  return `g${best}`;
}

/** Pair data [u-pencil, v-pencil, w-pencil] for every pair of products (symmetric in the pair). */
export function pairData<E>(F: Field<E>, data: readonly TermData<E>[]): [string, string, string][][] {
  const r = data.length;
  const out: [string, string, string][][] = Array.from({ length: r }, () => new Array(r));
  for (let a = 0; a < r; a++) for (let b = a + 1; b < r; b++) {
    const x = data[a], y = data[b];
    const t: [string, string, string] = [pencil(F, x.u, y.u), pencil(F, x.v, y.v), pencil(F, x.w, y.w)];
    out[a][b] = t;
    out[b][a] = t;
  }
  return out;
}

/** cyrb53: a fast 53-bit string hash, so refined colours stay short. */
export function hash53(str: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed, h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * Colours of the products of σ(s), computed from s's data with the factor positions permuted as σ
 * permutes them. Round 0: the ordered rank triple; each round adds the multiset of (pair data,
 * neighbour colour). Equal schemes up to (P, Q, R) get equal colour lists, product by product.
 */
export function colours(data: readonly TermData<unknown>[], pairs: [string, string, string][][] | null, perm: Permutation, rounds = 3): string[] {
  let col = data.map((d) => permuteTriple(d.ranks, perm).join(','));
  if (!pairs) return col;
  const r = data.length;
  const pp = pairs.map((row) => row.map((t) => (t ? permuteTriple(t, perm).join('/') : '')));
  for (let k = 0; k < rounds; k++) {
    col = col.map((c, a) => {
      const nb: string[] = [];
      for (let b = 0; b < r; b++) if (b !== a) nb.push(`${pp[a][b]}:${col[b]}`);
      return hash53(`${c}|${nb.sort().join(';')}`);
    });
  }
  return col;
}

/** Pair data as strings with σ applied to the factor positions, for the correspondence search. */
export function pairStrings(pairs: [string, string, string][][], perm: Permutation): string[][] {
  return pairs.map((row) => row.map((t) => (t ? permuteTriple(t, perm).join('/') : '')));
}

export interface InvariantReport {
  field: string;
  format: [number, number, number];
  rank: number;
  /** Multiset of sorted factor-rank triples (invariant under every σ). */
  rankTriples: string;
  /** Orbit hash: min over allowed σ of the refined colour multiset (with pair data when computed). */
  hash: string;
}

export interface SchemeInvariants<E> {
  report: InvariantReport;
  data: TermData<E>[];
  pairs: [string, string, string][][] | null;
  /** Colours per allowed σ (colours of the products of σ(s)). */
  coloursBy: Map<Permutation, string[]>;
}

/** Everything the equivalence test and the symmetry search need; `pairs: false` skips the O(r²) part. */
export function schemeInvariants<E>(s: Scheme<E>, perms: PermSet = 'all', opts: { pairs?: boolean } = {}): SchemeInvariants<E> {
  const format = formatOf(s);
  const data = termData(s);
  const pairs = opts.pairs === false ? null : pairData(s.field, data);
  const coloursBy = new Map<Permutation, string[]>();
  for (const p of allowedPerms(format, perms)) coloursBy.set(p, colours(data, pairs, p));
  const sigs = [...coloursBy.values()].map((c) => hash53(c.slice().sort().join(' ')));
  const report: InvariantReport = {
    field: s.field.name, format, rank: s.U.length, rankTriples: sortedTripleMultiset(data), hash: sigs.sort()[0],
  };
  return { report, data, pairs, coloursBy };
}

/** The first invariant that separates two schemes (as a sentence), or null when all agree. */
export function differingInvariant<E>(a: SchemeInvariants<E>, b: SchemeInvariants<E>): string | null {
  const A = a.report, B = b.report;
  if (A.field !== B.field) return `fields differ (${A.field} vs ${B.field})`;
  if (A.format.join() !== B.format.join()) return `formats differ (<${A.format}> vs <${B.format}>)`;
  if (A.rank !== B.rank) return `ranks differ (${A.rank} vs ${B.rank})`;
  if (A.rankTriples !== B.rankTriples) return `factor-rank triples differ: ${A.rankTriples} vs ${B.rankTriples}`;
  // Ordered triples up to σ: B's ordered multiset must be σ(A)'s for some allowed σ.
  const ordered = (d: readonly TermData<unknown>[], p: Permutation) => multiset(d.map((t) => permuteTriple(t.ranks, p).join(',')));
  const bOrdered = ordered(b.data, 'id');
  if (![...a.coloursBy.keys()].some((p) => ordered(a.data, p) === bOrdered)) {
    return `ordered factor-rank triples (r_u, r_v, r_w) differ under every allowed cyclic/transpose symmetry: ${ordered(a.data, 'id')} vs ${bOrdered}`;
  }
  if ((a.pairs === null) !== (b.pairs === null)) return null;
  const bSig = (b.coloursBy.get('id') ?? []).slice().sort().join(' ');
  if (![...a.coloursBy.values()].some((c) => c.slice().sort().join(' ') === bSig)) {
    return `pair invariants differ (colour refinement of products by factor ranks and pencil ranks of pairs; orbit hashes ${A.hash} vs ${B.hash})`;
  }
  return null;
}
