import { Fraction } from '../field/index.ts';
import { SchemeError } from '../scheme/index.ts';
import { Rng } from '../util/rng.ts';
import type { FiniteGroup } from '../tensor/index.ts';
import { quotientCounts, tppViolations, type Embedding } from './tpp.ts';

/**
 * Search for index sets S, T, U ⊆ G (sizes n, m, p) with the fewest TPP violations, i.e. the least
 * isotropic error of the embedded <n,m,p>. Two facts shrink the space:
 *  - right translation X ↦ X·g keeps every quotient x y⁻¹, so each set may contain the identity;
 *  - the count is invariant under permuting the roles of S, T, U (cyclic shifts conjugate the
 *    product, and inverting it swaps two roles), so for n = m = p only S ≤ T ≤ U need be tried.
 * Exhaustive when the number of such triples is below `exhaustiveLimit`; otherwise seeded random
 * restarts with local moves (replace one element of one set; keep moves that do not increase the count).
 */
export interface EmbeddingSearchOptions {
  seed?: number;
  restarts?: number;
  iterations?: number;
  exhaustiveLimit?: number;
}

export interface EmbeddingSearchResult {
  embedding: Embedding;
  violations: number;
  error: Fraction;
  exhaustive: boolean;
  evaluated: number;
  seed: number | null;
}

/** All k-subsets of {1..N−1} with 0 (the identity) prepended. */
function subsetsWithIdentity(N: number, k: number): number[][] {
  const out: number[][] = [];
  const cur = [0];
  const rec = (start: number) => {
    if (cur.length === k) return void out.push(cur.slice());
    for (let x = start; x < N; x++) {
      cur.push(x);
      rec(x + 1);
      cur.pop();
    }
  };
  rec(1);
  return out;
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return Math.round(r);
}

export function searchEmbedding(G: FiniteGroup, format: readonly [number, number, number], opts: EmbeddingSearchOptions = {}): EmbeddingSearchResult {
  const [n, m, p] = format;
  if (Math.max(n, m, p) > G.order) throw new SchemeError(`${G.name} has ${G.order} elements, fewer than the ${Math.max(n, m, p)} distinct indices needed`);
  const limit = opts.exhaustiveLimit ?? 5e7;
  const same = n === m && m === p;
  const c = [n, m, p].map((k) => binom(G.order - 1, k - 1));
  const triples = same ? (c[0] * (c[0] + 1) * (c[0] + 2)) / 6 : c[0] * c[1] * c[2];
  return triples <= limit ? exhaustive(G, format, same) : local(G, format, opts);
}

function exhaustive(G: FiniteGroup, [n, m, p]: readonly [number, number, number], same: boolean): EmbeddingSearchResult {
  const N = G.order;
  const Ls = [n, m, p].map((k) => subsetsWithIdentity(N, k));
  // Sparse quotient counts per subset: (h, count) pairs.
  const sparse = Ls.map((L) => L.map((X) => {
    const q = quotientCounts(G, X);
    const hs: number[] = [], cs: number[] = [];
    q.forEach((v, h) => v && (hs.push(h), cs.push(v)));
    return { hs, cs, dense: q };
  }));
  let best = Infinity, arg: [number, number, number] = [0, 0, 0], evaluated = 0;
  const X = new Float64Array(N);
  for (let a = 0; a < Ls[0].length; a++) {
    for (let b = same ? a : 0; b < Ls[1].length; b++) {
      // X[x] = #{(s, s', t, t'): s s'⁻¹ t t'⁻¹ = x}, shared by every U.
      X.fill(0);
      const A = sparse[0][a], B = sparse[1][b];
      for (let i = 0; i < A.hs.length; i++) for (let j = 0; j < B.hs.length; j++) X[G.mul[A.hs[i] * N + B.hs[j]]] += A.cs[i] * B.cs[j];
      for (let cc = same ? b : 0; cc < Ls[2].length; cc++) {
        const C = sparse[2][cc];
        let total = 0;
        for (let i = 0; i < C.hs.length; i++) total += C.cs[i] * X[G.inv[C.hs[i]]];
        evaluated++;
        if (total < best) [best, arg] = [total, [a, b, cc]];
      }
    }
  }
  const embedding = { S: Ls[0][arg[0]], T: Ls[1][arg[1]], U: Ls[2][arg[2]] };
  const violations = tppViolations(G, embedding);
  return { embedding, violations, error: new Fraction(violations, n * m * p), exhaustive: true, evaluated, seed: null };
}

function local(G: FiniteGroup, format: readonly [number, number, number], opts: EmbeddingSearchOptions): EmbeddingSearchResult {
  const seed = opts.seed ?? 1;
  const rng = new Rng(seed);
  const N = G.order;
  const restarts = opts.restarts ?? 20, iterations = opts.iterations ?? 4000;
  let best: Embedding | null = null, bestV = Infinity, evaluated = 0;
  const randomSet = (k: number) => {
    const pool = Array.from({ length: N - 1 }, (_, x) => x + 1);
    for (let i = pool.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return [0, ...pool.slice(0, k - 1)];
  };
  for (let r = 0; r < restarts && bestV > 0; r++) {
    let cur: Embedding = { S: randomSet(format[0]), T: randomSet(format[1]), U: randomSet(format[2]) };
    let v = tppViolations(G, cur);
    evaluated++;
    for (let it = 0; it < iterations && v > 0; it++) {
      const role = (['S', 'T', 'U'] as const)[rng.int(3)];
      const set = cur[role];
      if (set.length < 2) continue;
      const slot = 1 + rng.int(set.length - 1);
      const x = 1 + rng.int(N - 1);
      if (set.includes(x)) continue;
      const next = { ...cur, [role]: set.map((y, i) => (i === slot ? x : y)) };
      const nv = tppViolations(G, next);
      evaluated++;
      if (nv <= v) [cur, v] = [next, nv];
    }
    if (v < bestV) [best, bestV] = [cur, v];
  }
  const [n, m, p] = format;
  return { embedding: best!, violations: bestV, error: new Fraction(bestV, n * m * p), exhaustive: false, evaluated, seed };
}
