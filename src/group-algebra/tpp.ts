import { Fraction } from '../field/index.ts';
import { makeScheme, SchemeError, type Scheme } from '../scheme/index.ts';
import { makeTensor, type FiniteGroup, type Tensor } from '../tensor/index.ts';

/**
 * Matrix multiplication inside a group algebra (Cohn–Umans). Index sets S, T, U ⊆ G of sizes n, m, p
 * (sequences of distinct elements) embed <n,m,p> as
 *   A ↦ Σ a_ij s_i⁻¹t_j,   B ↦ Σ b_jk t_j⁻¹u_k,   C_ik = coefficient of s_i⁻¹u_k in the product.
 * The product a_ij·b_j'k lands on s_i⁻¹ t_j t_j'⁻¹ u_k, which is read as C_i'k' exactly when
 *   s_i' s_i⁻¹ · t_j t_j'⁻¹ · u_k u_k'⁻¹ = 1.
 * The triple product property (TPP) says this happens only for i = i', j = j', k = k'; then the
 * embedding is exact. Otherwise every other solution is one spurious unit entry of the computed
 * tensor T̂ ⊇ T, so ‖T − T̂‖² = #violations and the isotropic error is #violations / (n·m·p).
 * (The brief's form A ↦ Σ a_ij s_i t_j⁻¹ is this one for the inverted sets S⁻¹, T⁻¹, U⁻¹.)
 */
export interface Embedding {
  S: number[];
  T: number[];
  U: number[];
}

function checkSets(G: FiniteGroup, e: Embedding): void {
  for (const [name, X] of [['S', e.S], ['T', e.T], ['U', e.U]] as const) {
    if (X.length === 0) throw new SchemeError(`${name} is empty`);
    if (X.some((x) => !Number.isInteger(x) || x < 0 || x >= G.order)) throw new SchemeError(`${name} has an element outside 0..${G.order - 1}`);
    if (new Set(X).size !== X.length) throw new SchemeError(`${name} repeats an element`);
  }
}

/** Right quotients x·y⁻¹ of a set, as a dense count per group element. */
export function quotientCounts(G: FiniteGroup, X: readonly number[]): Int32Array {
  const q = new Int32Array(G.order);
  for (const x of X) for (const y of X) q[G.mul[x * G.order + G.inv[y]]]++;
  return q;
}

/** Number of solutions of s s'⁻¹ t t'⁻¹ u u'⁻¹ = 1 other than s = s', t = t', u = u'. */
export function tppViolations(G: FiniteGroup, e: Embedding): number {
  checkSets(G, e);
  const n = G.order;
  const qu = quotientCounts(G, e.U);
  // Loop over the (few) quotients of S and T; the U quotient that closes the product is looked up.
  const support = (X: readonly number[]) => {
    const q = quotientCounts(G, X);
    const hs: number[] = [];
    q.forEach((v, h) => v && hs.push(h));
    return { q, hs };
  };
  const S = support(e.S), T = support(e.T);
  let total = 0;
  for (const a of S.hs) for (const b of T.hs) total += S.q[a] * T.q[b] * qu[G.inv[G.mul[a * n + b]]];
  return total - e.S.length * e.T.length * e.U.length;
}

/**
 * M[h]: how many products a_ij·b_j'k the embedding puts on the group element h. The read-out
 * position of C_ik is h = s_i⁻¹u_k, which receives its m true products and M[h] − m spurious ones.
 */
export function landingCounts(G: FiniteGroup, e: Embedding): Int32Array {
  checkSets(G, e);
  const N = G.order, mul = (x: number, y: number) => G.mul[x * N + y];
  const M = new Int32Array(N);
  for (const s of e.S) for (const t of e.T) for (const t2 of e.T) for (const u of e.U) M[mul(mul(G.inv[s], t), mul(G.inv[t2], u))]++;
  return M;
}

/**
 * The least isotropic error reachable with these products by rescaling the read-out: C_ik ≈ α·z_h
 * with α = m / M[h] (least squares: the other coefficients of z share no product with C_ik). Each
 * output then contributes m(M − m)/M instead of M − m, so the error is always below 1.
 */
export function scaledEmbeddingError(G: FiniteGroup, e: Embedding): Fraction {
  const M = landingCounts(G, e);
  const m = e.T.length;
  let err = new Fraction(0);
  for (const s of e.S) for (const u of e.U) {
    const c = M[G.mul[G.inv[s] * G.order + u]];
    err = err.add(new Fraction(m * (c - m), c));
  }
  return err.div(e.S.length * m * e.U.length);
}

export function satisfiesTPP(G: FiniteGroup, e: Embedding): boolean {
  return tppViolations(G, e) === 0;
}

/** Exact isotropic error of the embedding: #violations / (n·m·p), with the violation count. */
export function embeddingError(G: FiniteGroup, e: Embedding): { violations: number; error: Fraction } {
  const violations = tppViolations(G, e);
  return { violations, error: new Fraction(violations, e.S.length * e.T.length * e.U.length) };
}

/** T̂: the tensor the embedding computes, T̂[(i,j), (j',k), (i',k')] = [s_i' s_i⁻¹ t_j t_j'⁻¹ u_k u_k'⁻¹ = 1]. */
export function embeddingTensor(G: FiniteGroup, e: Embedding): Tensor {
  checkSets(G, e);
  const [n, m, p] = [e.S.length, e.T.length, e.U.length];
  const N = G.order, mul = (x: number, y: number) => G.mul[x * N + y];
  const raw = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let j2 = 0; j2 < m; j2++) for (let k = 0; k < p; k++) {
    const lands = mul(mul(G.inv[e.S[i]], e.T[j]), mul(G.inv[e.T[j2]], e.U[k]));
    for (let i2 = 0; i2 < n; i2++) for (let k2 = 0; k2 < p; k2++) {
      if (mul(G.inv[e.S[i2]], e.U[k2]) === lands) raw.push({ i: i * m + j, j: j2 * p + k, k: i2 * p + k2, v: 1 });
    }
  }
  return makeTensor([n * m, m * p, n * p], raw, `embedded <${n},${m},${p}> in ${G.name}`);
}

/**
 * The <n,m,p> scheme of the embedding composed with a scheme for multiplication in Q[G] (whose
 * products are indexed by G's element numbering): its rank is the group-algebra scheme's rank.
 * It computes T̂ exactly (T itself when the TPP holds).
 */
export function embeddedScheme(G: FiniteGroup, e: Embedding, algebra: Scheme<Fraction>, opts: { scaledReadout?: boolean } = {}): Scheme<Fraction> {
  checkSets(G, e);
  if (algebra.U[0]?.length !== G.order) throw new SchemeError(`the group-algebra scheme has ${algebra.U[0]?.length} inputs, expected |G| = ${G.order}`);
  const N = G.order, mul = (x: number, y: number) => G.mul[x * N + y];
  const [n, m, p] = [e.S.length, e.T.length, e.U.length];
  const a = Array.from({ length: n * m }, (_, x) => mul(G.inv[e.S[Math.floor(x / m)]], e.T[x % m]));
  const b = Array.from({ length: m * p }, (_, x) => mul(G.inv[e.T[Math.floor(x / p)]], e.U[x % p]));
  const c = Array.from({ length: n * p }, (_, x) => mul(G.inv[e.S[Math.floor(x / p)]], e.U[x % p]));
  const pick = (M: readonly (readonly Fraction[])[], idx: number[]) => M.map((row) => idx.map((g) => row[g]));
  // With the scaled read-out, column (i, k) of W is multiplied by m / M[s_i⁻¹u_k].
  const land = opts.scaledReadout ? landingCounts(G, e) : null;
  const W = pick(algebra.W, c).map((row) => (land ? row.map((x, ik) => x.mul(new Fraction(m, land[c[ik]]))) : row));
  return makeScheme({
    field: algebra.field, fieldTag: land ? 'Q' : algebra.fieldTag, target: { kind: 'matmul', format: [n, m, p] },
    U: pick(algebra.U, a), V: pick(algebra.V, b), W,
    meta: {
      source: `<${n},${m},${p}> embedded in Q[${G.name}] (S=${e.S.join(',')} T=${e.T.join(',')} U=${e.U.join(',')}) through ${algebra.meta.name ?? 'a group-algebra scheme'}`,
      embedding: { group: G.name, S: e.S, T: e.T, U: e.U, readout: land ? 'scaled' : 'plain' },
    },
  });
}
