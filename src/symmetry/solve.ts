import { gaussianParts, numDen, Zp, type Field } from '../field/index.ts';
import { formatOf, type Mat, type Scheme } from '../scheme/index.ts';
import { det } from '../field/linalg.ts';
import type { TermData } from './invariants.ts';
import { Matcher, type State } from './solve-core.ts';

/**
 * Find (P, Q, R) with changeBasis(A, P, Q, R) = B as sets of terms, by backtracking over which product
 * of B each product of A goes to (solve-core.ts has the linear algebra of one correspondence). The
 * next product to place is the one with the fewest candidates (same colour, unused, consistent with
 * the matrices known so far). When P, Q and R are known the image of A is compared with B term by
 * term, so every solution returned is checked.
 *
 * Over Q and Q(i) the search itself runs modulo a prime p ≡ 1 (mod 4) below 2^26 (with i ↦ √−1 mod p),
 * because exact rationals are ~100× slower. This is sound: reduction mod p can only lower the rank of
 * a linear system, so "no solution mod p" implies "no solution", and a matrix determined mod p is
 * determined (or contradictory) exactly. Every leaf is replayed in exact arithmetic from its list of
 * correspondences and checked exactly before it counts.
 *
 * Exhaustive over correspondences unless the node limit is reached, or (over an infinite field) a
 * matrix is still free when every product is placed: then a few choices are tried (sample) and
 * `complete` is false. Over a finite field a free matrix is enumerated.
 */
export interface SolveOptions {
  /** Find every solution (stabilisers) instead of stopping at the first (equivalence). */
  all?: boolean;
  /** Give up after this many search nodes (then the result is not complete). */
  nodeLimit?: number;
  /**
   * Pair invariants of the products of A (already permuted by σ) and of B: a correspondence must
   * preserve them, so b is a candidate for a only if pairA[a][a'] = pairB[b][b'] for every placed a' → b'.
   */
  pairA?: readonly (readonly string[])[];
  pairB?: readonly (readonly string[])[];
}

export interface SolveResult<E> {
  solutions: [Mat<E>, Mat<E>, Mat<E>][];
  complete: boolean;
  nodes: number;
}

/** The largest prime below 2^26 that is 1 mod 4, and a square root of −1 modulo it. */
const MOD = (() => {
  let p = 2 ** 26 - 1;
  const isPrime = (n: number) => {
    for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
    return n % 2 === 1;
  };
  while (!(p % 4 === 1 && isPrime(p))) p--;
  const pow = (b: number, e: number) => {
    let r = 1n, x = BigInt(b);
    const P = BigInt(p);
    for (let k = BigInt(e); k > 0n; k >>= 1n, x = (x * x) % P) if (k & 1n) r = (r * x) % P;
    return Number(r);
  };
  let a = 2;
  while (pow(a, (p - 1) / 2) !== p - 1) a++;
  return { p, F: Zp(p), i: pow(a, (p - 1) / 4) };
})();

/** The ring map Q → Z_p or Q(i) → Z_p, or null where it is undefined or kills a nonzero entry. */
function reducer<E>(F: Field<E>): ((x: E) => number | null) | null {
  // Only Q and Q(i) map to Z_p: not R (inexact), nor another Z_q.
  if (F.characteristic !== 0n || !F.exact) return null;
  const G = MOD.F;
  const rat = ([n, d]: [bigint, bigint]) => {
    const dp = G.fromInt(d);
    return dp === 0 ? null : G.mul(G.fromInt(n), G.inv(dp));
  };
  const check = (x: number | null, zero: boolean) => (x === null || (x === 0) !== zero ? null : x);
  return (x) => {
    const g = gaussianParts(F, x);
    if (!g) return check(rat(F.toRational(x)), F.isZero(x));
    const re = rat(numDen(g.re)), im = rat(numDen(g.im));
    return check(re === null || im === null ? null : G.add(re, G.mul(MOD.i, im)), F.isZero(x));
  };
}

/** Term data mod p (ranks kept from the exact data), or null if some coefficient does not reduce. */
function reduceData<E>(data: readonly TermData<E>[], red: (x: E) => number | null): TermData<number>[] | null {
  const out: TermData<number>[] = [];
  for (const d of data) {
    const m = (M: Mat<E>) => M.map((row) => row.map(red));
    const [u, v, w] = [m(d.u), m(d.v), m(d.w)];
    if ([u, v, w].some((M) => M.some((row) => row.some((x) => x === null)))) return null;
    out.push({ u: u as Mat<number>, v: v as Mat<number>, w: w as Mat<number>, ranks: d.ranks });
  }
  return out;
}

export function findBasisChanges<E>(
  A: Scheme<E>, B: Scheme<E>, dataA: readonly TermData<E>[], dataB: readonly TermData<E>[],
  colA: readonly string[], colB: readonly string[], opts: SolveOptions = {},
): SolveResult<E> {
  const dims = formatOf(A);
  // Different numbers of products: no bijection of terms, nothing to search.
  if (A.U.length !== B.U.length) return { solutions: [], complete: true, nodes: 0 };
  const exact = new Matcher(A.field, dims, dataA, dataB);
  const red = reducer(A.field);
  const dA = red && reduceData(dataA, red), dB = red && reduceData(dataB, red);
  if (dA && dB) return run(new Matcher(MOD.F, dims, dA, dB), exact, colA, colB, opts, false);
  return run(exact as unknown as Matcher<unknown>, exact, colA, colB, opts, A.field.characteristic > 0n);
}

/** The backtracking search in `work`'s arithmetic; leaves are confirmed in `exact`'s. */
function run<W, E>(work: Matcher<W>, exact: Matcher<E>, colA: readonly string[], colB: readonly string[], opts: SolveOptions, finite: boolean): SolveResult<E> {
  const F = work.F;
  const r = work.dataA.length;
  const nodeLimit = opts.nodeLimit ?? 200_000;
  const solutions: [Mat<E>, Mat<E>, Mat<E>][] = [];
  const seen = new Set<string>();
  let nodes = 0, complete = true, stop = false;
  const rank1 = (a: number) => work.dataA[a].ranks.filter((x) => x === 1).length;
  const pA = opts.pairA, pB = opts.pairB;

  function record(ex: State<E>): void {
    const [P, Q, R] = ex.known as [Mat<E>, Mat<E>, Mat<E>];
    const key = [P, Q, R].map((M) => M.flat().map((x) => exact.F.toString(x)).join(',')).join('|');
    if (seen.has(key)) return;
    seen.add(key);
    solutions.push([P, Q, R]);
    if (!opts.all) stop = true;
  }

  /** Replay the correspondences of a work-arithmetic state exactly (the identity when work is exact). */
  function replay(st: State<W>): State<E> | null {
    if ((work as unknown) === exact) return st as unknown as State<E>;
    const ex = exact.root();
    st.assign.forEach((b, a) => b >= 0 && exact.assign(ex, a, b));
    return exact.propagate(ex) ? ex : null;
  }

  function leaf(st: State<W>): void {
    if (!work.imagesMatch(st)) return;
    const ex = replay(st);
    if (ex && ex.known.every((k) => k) && exact.imagesMatch(ex)) record(ex);
  }

  /**
   * Every product is placed over an infinite field and a matrix is still free (e.g. the torus of
   * diagonal matrices that fixes the naive algorithm): try a few fixed combinations of the free
   * directions exactly. A match is a checked solution; the search is no longer exhaustive.
   */
  function sample(st: State<W>): void {
    complete = false;
    let ex = replay(st);
    for (let x = 0; ex && x < 3; x++) {
      if (ex.known[x]) continue;
      const basis = ex.ech[x].nullspace(), d = exact.dims[x], G = exact.F;
      let fixed: State<E> | null = null;
      for (let k = 1; k <= 4 && !fixed; k++) {
        const v = basis[0].map((_, t) => basis.reduce((acc, bv, i) => G.add(acc, G.mul(G.fromInt((i + 1) ** k + i), bv[t])), G.zero));
        const M = Array.from({ length: d }, (_, i) => v.slice(i * d, (i + 1) * d));
        if (G.isZero(det(G, M))) continue;
        const next = exact.clone(ex);
        exact.fix(next, x, M);
        if (exact.propagate(next)) fixed = next;
      }
      ex = fixed;
    }
    if (ex && ex.known.every((k) => k) && exact.imagesMatch(ex)) record(ex);
  }

  function search(st: State<W>): void {
    if (stop) return;
    if (++nodes > nodeLimit) {
      complete = false;
      stop = true;
      return;
    }
    if (st.known.every((k) => k)) return leaf(st);
    const inv = work.inverses(st);
    let best = -1, bestC: number[] = [];
    for (let a = 0; a < r; a++) {
      if (st.assign[a] >= 0) continue;
      let c = work.candidates(st, a, inv, colA, colB);
      if (pA && pB) c = c.filter((b) => st.assign.every((b2, a2) => b2 < 0 || pA[a][a2] === pB[b][b2]));
      if (c.length === 0) return;
      if (best < 0 || c.length < bestC.length || (c.length === bestC.length && rank1(a) > rank1(best))) [best, bestC] = [a, c];
    }
    if (best < 0) return enumerateRest(st);
    for (const b of bestC) {
      const next = work.clone(st);
      work.assign(next, best, b);
      if (work.propagate(next)) search(next);
      if (stop) return;
    }
  }

  /** Every product is placed but a matrix is still free: over a small finite field, try them all. */
  function enumerateRest(st: State<W>): void {
    const x = st.known.findIndex((k) => !k);
    const basis = st.ech[x].nullspace();
    const q = Number(F.characteristic);
    if (!finite) return sample(st);
    if (q ** basis.length > 100_000) {
      complete = false;
      return;
    }
    const d = work.dims[x];
    for (let code = 1; code < q ** basis.length; code++) {
      const coef: number[] = [];
      for (let c = code, t = 0; t < basis.length; t++, c = Math.floor(c / q)) coef.push(c % q);
      if (coef[coef.findIndex((c) => c !== 0)] !== 1) continue; // one representative per line
      const v = basis[0].map((_, t) => basis.reduce((acc, bv, i) => F.add(acc, F.mul(F.fromInt(coef[i]), bv[t])), F.zero));
      const M = Array.from({ length: d }, (_, i) => v.slice(i * d, (i + 1) * d));
      if (F.isZero(det(F, M))) continue;
      const next = work.clone(st);
      work.fix(next, x, M);
      if (work.propagate(next)) search(next);
      if (stop) return;
    }
  }

  const root = work.root();
  if (work.propagate(root)) search(root);
  return { solutions, complete, nodes };
}
