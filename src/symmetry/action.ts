import type { Field } from '../field/index.ts';
import { changeBasis, formatOf, matInverse, matMul, permuteScheme, PERMUTATIONS, transpose, type Mat, type Permutation, type Scheme } from '../scheme/index.ts';
import type { Rng } from '../util/rng.ts';
import { det } from '../field/linalg.ts';

/**
 * Symmetries of matrix multiplication acting on schemes: g = (P, Q, R, σ) acts by
 *   s ↦ changeBasis(permuteScheme(s, σ), P, Q, R),
 * first the cyclic/transposition symmetry σ (only those that keep the format), then the sandwich
 * action of (P, Q, R) ∈ GL_n × GL_m × GL_p. Scalars (λI, μI, νI) act trivially on the terms
 * u⊗v⊗w (each term is scaled by (μ/λ)(ν/μ)(λ/ν) = 1), so elements are normalised to first nonzero
 * entry 1 in each of P, Q, R and are then unique for their action.
 */
export interface SymElement<E> {
  readonly P: Mat<E>;
  readonly Q: Mat<E>;
  readonly R: Mat<E>;
  readonly perm: Permutation;
}

/** Which cyclic/transposition symmetries to allow: all six, the cyclic Z3 only, or none. */
export type PermSet = 'all' | 'cyclic' | 'none';

/** σ = rot^k ∘ T^t (transpose first, then rotate k times), as permuteScheme applies them. */
const KT: Record<Permutation, [number, number]> = { id: [0, 0], rot: [1, 0], rot2: [2, 0], T: [0, 1], rotT: [1, 1], rot2T: [2, 1] };
const fromKT = (k: number, t: number): Permutation => PERMUTATIONS.find((p) => KT[p][0] === ((k % 3) + 3) % 3 && KT[p][1] === t % 2)!;

/** Where σ sends the format <n,m,p>: rot gives <m,p,n>, T gives <p,m,n>. */
export function permuteFormat(f: readonly [number, number, number], perm: Permutation): [number, number, number] {
  let [n, m, p] = f;
  const [k, t] = KT[perm];
  if (t) [n, m, p] = [p, m, n];
  for (let x = 0; x < k; x++) [n, m, p] = [m, p, n];
  return [n, m, p];
}

/** The σ that map <n,m,p> to itself, within the chosen set (e.g. only id and T for <2,3,2>). */
export function allowedPerms(format: readonly [number, number, number], which: PermSet = 'all'): Permutation[] {
  const pool: readonly Permutation[] = which === 'all' ? PERMUTATIONS : which === 'cyclic' ? ['id', 'rot', 'rot2'] : ['id'];
  return pool.filter((p) => permuteFormat(format, p).every((d, x) => d === format[x]));
}

/** σ applied to a triple of per-factor data (ranks of u, v, w): rot (a,b,c)→(b,c,a), T (a,b,c)→(b,a,c). */
export function permuteTriple<T>(x: readonly [T, T, T], perm: Permutation): [T, T, T] {
  let [a, b, c] = x;
  const [k, t] = KT[perm];
  if (t) [a, b, c] = [b, a, c];
  for (let r = 0; r < k; r++) [a, b, c] = [b, c, a];
  return [a, b, c];
}

export function composePerm(p2: Permutation, p1: Permutation): Permutation {
  const [k2, t2] = KT[p2], [k1, t1] = KT[p1];
  // T ∘ rot^k = rot^{-k} ∘ T.
  return fromKT(t2 ? k2 - k1 : k2 + k1, t1 + t2);
}

export function inversePerm(p: Permutation): Permutation {
  return PERMUTATIONS.find((q) => composePerm(q, p) === 'id')!;
}

type Triple<E> = [Mat<E>, Mat<E>, Mat<E>];

/**
 * Push σ past a basis change: σ ∘ CB(X) = CB(σ·X) ∘ σ. Derived from the factor formulas of
 * changeBasis and rotate/transposeScheme: rot·(P,Q,R) = (Q,R,P), T·(P,Q,R) = (R⁻ᵀ,Q⁻ᵀ,P⁻ᵀ).
 */
function push<E>(F: Field<E>, perm: Permutation, X: Triple<E>): Triple<E> {
  let [P, Q, R] = X;
  const [k, t] = KT[perm];
  const invT = (M: Mat<E>) => transpose(matInverse(F, M));
  if (t) [P, Q, R] = [invT(R), invT(Q), invT(P)];
  for (let r = 0; r < k; r++) [P, Q, R] = [Q, R, P];
  return [P, Q, R];
}

/** Scale a matrix so its first nonzero entry (row-major) is 1. */
export function normaliseMatrix<E>(F: Field<E>, M: Mat<E>): Mat<E> {
  const flat = M.flat();
  const at = flat.findIndex((x) => !F.isZero(x));
  if (at < 0) return M.map((r) => r.slice());
  const inv = F.inv(flat[at]);
  return M.map((r) => r.map((x) => F.mul(x, inv)));
}

export function normalise<E>(F: Field<E>, g: SymElement<E>): SymElement<E> {
  return { P: normaliseMatrix(F, g.P), Q: normaliseMatrix(F, g.Q), R: normaliseMatrix(F, g.R), perm: g.perm };
}

/** A string naming the element's action (normalised), for sets and equality. */
export function elementKey<E>(F: Field<E>, g: SymElement<E>): string {
  const n = normalise(F, g);
  const m = (M: Mat<E>) => M.map((r) => r.map((x) => F.toString(x)).join(',')).join(';');
  return `${n.perm}|${m(n.P)}|${m(n.Q)}|${m(n.R)}`;
}

export function identityMatrix<E>(F: Field<E>, n: number): Mat<E> {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? F.one : F.zero)));
}

export function identityElement<E>(F: Field<E>, format: readonly [number, number, number]): SymElement<E> {
  const [n, m, p] = format;
  return { P: identityMatrix(F, n), Q: identityMatrix(F, m), R: identityMatrix(F, p), perm: 'id' };
}

/** g2 ∘ g1 (g1 acts first), normalised. */
export function compose<E>(F: Field<E>, g2: SymElement<E>, g1: SymElement<E>): SymElement<E> {
  const [P1, Q1, R1] = push(F, g2.perm, [g1.P, g1.Q, g1.R]);
  return normalise(F, { P: matMul(F, g2.P, P1), Q: matMul(F, g2.Q, Q1), R: matMul(F, g2.R, R1), perm: composePerm(g2.perm, g1.perm) });
}

export function inverse<E>(F: Field<E>, g: SymElement<E>): SymElement<E> {
  const pi = inversePerm(g.perm);
  const [P, Q, R] = push(F, pi, [g.P, g.Q, g.R]);
  return normalise(F, { P: matInverse(F, P), Q: matInverse(F, Q), R: matInverse(F, R), perm: pi });
}

/** The scheme g·s. It computes the same product (the tensor is invariant), with the same rank. */
export function act<E>(s: Scheme<E>, g: SymElement<E>): Scheme<E> {
  const t = permuteScheme(s, g.perm);
  const out = changeBasis(t, g.P, g.Q, g.R);
  return { ...out, meta: { ...s.meta } };
}

/**
 * A random invertible n×n matrix: entries uniform in Z_p, or small integers in [-range, range]
 * (Gaussian integers for C) over characteristic 0, redrawn until the determinant is nonzero.
 */
export function randomInvertible<E>(F: Field<E>, n: number, rng: Rng, range = 2): Mat<E> {
  const draw = (): E => {
    if (F.characteristic > 0n) return F.fromInt(rng.int(Number(F.characteristic)));
    const x = F.fromInt(rng.int(2 * range + 1) - range);
    if (F.name !== 'C') return x;
    return F.add(x, F.mul(F.parse([0, 1]), F.fromInt(rng.int(3) - 1)));
  };
  for (;;) {
    const M = Array.from({ length: n }, () => Array.from({ length: n }, draw));
    if (!F.isZero(det(F, M))) return M;
  }
}

/** A random symmetry of the scheme's format: random (P, Q, R) and a random allowed σ. */
export function randomElement<E>(s: Scheme<E>, rng: Rng, perms: PermSet = 'all', range = 2): SymElement<E> {
  const F = s.field;
  const [n, m, p] = formatOf(s);
  const allowed = allowedPerms([n, m, p], perms);
  return { P: randomInvertible(F, n, rng, range), Q: randomInvertible(F, m, rng, range), R: randomInvertible(F, p, rng, range), perm: allowed[rng.int(allowed.length)] };
}

/** JSON form: matrices as rows of the field's JSON coefficients. */
export function elementToJSON<E>(F: Field<E>, g: SymElement<E>): { P: unknown; Q: unknown; R: unknown; perm: Permutation } {
  const m = (M: Mat<E>) => M.map((r) => r.map((x) => F.toJSON(x)));
  return { P: m(g.P), Q: m(g.Q), R: m(g.R), perm: g.perm };
}

/** Multi-line text: σ then P, Q, R as rows. */
export function elementToText<E>(F: Field<E>, g: SymElement<E>, indent = '  '): string {
  const m = (M: Mat<E>) => `[${M.map((r) => r.map((x) => F.toString(x)).join(' ')).join('; ')}]`;
  return [`${indent}σ = ${g.perm}`, `${indent}P = ${m(g.P)}`, `${indent}Q = ${m(g.Q)}`, `${indent}R = ${m(g.R)}`].join('\n');
}
