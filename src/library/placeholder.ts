import { R } from '../field/index.ts';
import { makeScheme, SchemeError, type Scheme } from '../scheme/index.ts';

/**
 * Placeholder approximate schemes for timing and tests, until real (ALS) float schemes are at hand:
 * r of the t³ naive products of <t,t,t>, seen in a random orthogonal basis (P, Q, R) ∈ O(t)³:
 *
 *   U_l = p_i q_jᵀ,  V_l = q_j r_kᵀ,  W_l = p_i r_kᵀ   for the kept products (i, j, k),
 *
 * i.e. S'(A, B) = P · S(PᵀAQ, QᵀBR) · Rᵀ with S the truncated naive algorithm. All coefficients are
 * dense floats, so encode and decode cost what a real float scheme costs, and since the action is
 * orthogonal the isotropic error stays exactly that of the truncation, 1 − r/t³ (0.625 for
 * (4, 24), 0.5 for (4, 32)). The products are kept in a seeded random order.
 */
export function placeholderScheme(t: number, r: number, seed = 1): Scheme<number> {
  if (!Number.isInteger(t) || t < 1 || !Number.isInteger(r) || r < 1 || r > t ** 3) {
    throw new SchemeError(`placeholder needs 1 ≤ r ≤ t³, got t = ${t}, r = ${r}`);
  }
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const [P, Q, Rm] = [0, 1, 2].map(() => randomOrthogonal(t, gauss));
  const triples: [number, number, number][] = [];
  for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) for (let k = 0; k < t; k++) triples.push([i, j, k]);
  for (let x = triples.length - 1; x > 0; x--) {
    const y = Math.floor(rand() * (x + 1));
    [triples[x], triples[y]] = [triples[y], triples[x]];
  }
  // Outer product of column a of X and column b of Y, row-major t×t, flattened.
  const outer = (X: number[][], a: number, Y: number[][], b: number) => {
    const out: number[] = [];
    for (let u = 0; u < t; u++) for (let v = 0; v < t; v++) out.push(X[u][a] * Y[v][b]);
    return out;
  };
  const kept = triples.slice(0, r);
  return makeScheme<number>({
    field: R, fieldTag: 'R', target: { kind: 'matmul', format: [t, t, t] },
    U: kept.map(([i, j]) => outer(P, i, Q, j)),
    V: kept.map(([, j, k]) => outer(Q, j, Rm, k)),
    W: kept.map(([i, , k]) => outer(P, i, Rm, k)),
    meta: {
      name: `placeholder-t${t}-r${r}`,
      source: `PLACEHOLDER for timing only: ${r} of the ${t ** 3} naive products of <${t},${t},${t}> in a random orthogonal basis (seed ${seed}); isotropic error 1 - r/t³ = ${1 - r / t ** 3}`,
    },
  });
}

/** Q factor of a Gaussian matrix by modified Gram–Schmidt (columns orthonormal). */
function randomOrthogonal(t: number, gauss: () => number): number[][] {
  const cols: number[][] = [];
  while (cols.length < t) {
    const v = Array.from({ length: t }, gauss);
    for (const c of cols) {
      const d = c.reduce((s, x, u) => s + x * v[u], 0);
      for (let u = 0; u < t; u++) v[u] -= d * c[u];
    }
    const n = Math.hypot(...v);
    if (n > 1e-6) cols.push(v.map((x) => x / n));
  }
  return Array.from({ length: t }, (_, u) => cols.map((c) => c[u]));
}

/** Small seeded generator (mulberry32): reproducible placeholders without global state. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
