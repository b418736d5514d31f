import { Fraction } from '../../field/index.ts';
import { SchemeError } from '../../scheme/index.ts';
import type { FiniteGroup } from '../../tensor/index.ts';
import { applyBilinearQ, fieldMulBilinear, kronBilinear, matmulBilinear, scalarBilinear, structureBilinear, type Bilinear } from './bilinear.ts';
import type { Component } from './components.ts';
import { kAdd, kConst, kMul, realCyclotomic, type NumberField } from './numberfield.ts';

/**
 * Rational irreducible representations of the small non-abelian groups, read off the permutation
 * labels that groupFromPermutations gives each element ("(π0 π1 …)", π applied as x ↦ π[x]; the
 * product g·h is g∘h, so permutation matrices e_a ↦ e_{π(a)} are homomorphisms).
 */

export type BlockChoice = 'best' | 'naive';

const perm = (G: FiniteGroup, g: number) => G.labels[g].replace(/[()]/g, '').trim().split(/\s+/).map(Number);
const F = (x: number) => new Fraction(x);

function sign(p: readonly number[]): number {
  let s = 1;
  const seen = new Array(p.length).fill(false);
  for (let i = 0; i < p.length; i++) {
    if (seen[i]) continue;
    let len = 0;
    for (let j = i; !seen[j]; j = p[j]) [seen[j], len] = [true, len + 1];
    if (len % 2 === 0) s = -s;
  }
  return s;
}

/** The standard (n−1)-dimensional representation in the basis f_a = e_a − e_{n−1}: integer matrices. */
function standard(p: readonly number[]): Fraction[] {
  const n = p.length, d = n - 1;
  const M = Array.from({ length: d * d }, () => F(0));
  for (let a = 0; a < d; a++) {
    // π f_a = f_{π(a)} − f_{π(n−1)}, with f_{n−1} = 0.
    if (p[a] < d) M[p[a] * d + a] = M[p[a] * d + a].add(1);
    if (p[n - 1] < d) M[p[n - 1] * d + a] = M[p[n - 1] * d + a].sub(1);
  }
  return M;
}

const scalarComponent = (label: string, chi: (g: number) => number): Component => ({ label, algebra: 'Q', k: 1, encode: (g) => [F(chi(g))], mult: scalarBilinear });

function matrixComponent(label: string, d: number, rho: (g: number) => Fraction[], blocks: BlockChoice): Component {
  return { label, algebra: `M${d}(Q)`, k: d * d, encode: rho, mult: matmulBilinear(d, blocks) };
}

/** S3 and S4: Q[S3] = Q ⊕ Q ⊕ M2(Q); Q[S4] = Q ⊕ Q ⊕ M2(Q) ⊕ M3(Q) ⊕ M3(Q), all split over Q. */
export function symmetricComponents(G: FiniteGroup, blocks: BlockChoice = 'best'): Component[] {
  const n = perm(G, 0).length;
  if (n !== 3 && n !== 4) throw new SchemeError(`Fourier schemes are built for S3 and S4, not S${n}`);
  const comps = [
    scalarComponent('trivial', () => 1),
    scalarComponent('sign', (g) => sign(perm(G, g))),
    matrixComponent('standard', n - 1, (g) => standard(perm(G, g)), blocks),
  ];
  if (n === 4) {
    comps.push(matrixComponent('standard⊗sign', 3, (g) => standard(perm(G, g)).map((x) => x.mul(sign(perm(G, g)))), blocks));
    // S4 → S3 through its action on the three pairings {01|23}, {02|13}, {03|12}.
    const pairings = [[[0, 1], [2, 3]], [[0, 2], [1, 3]], [[0, 3], [1, 2]]];
    const which = (pairs: number[][]) => pairings.findIndex((q) => q.some((pr) => pr.includes(pairs[0][0]) && pr.includes(pairs[0][1])));
    const quotient = (p: readonly number[]) => pairings.map((q) => which(q.map((pr) => pr.map((x) => p[x]))));
    comps.push(matrixComponent('pairings', 2, (g) => standard(quotient(perm(G, g))), blocks));
  }
  return comps;
}

/** 2×2 matrices over K, entries as coordinate vectors. */
type KMat = Fraction[][][];
function kMatMul(K: NumberField, A: KMat, B: KMat): KMat {
  return [0, 1].map((i) => [0, 1].map((j) => kAdd(kMul(K, A[i][0], B[0][j]), kMul(K, A[i][1], B[1][j]))));
}

/**
 * D_n (order 2n), elements r^a s^b with r: x ↦ x+1, s: x ↦ −x. Q[D_n] = Q² (Q⁴ for even n) ⊕
 * ⊕_{d | n, d ≥ 3} M2(K_d), K_d = Q(2cos(2π/d)), where r ↦ [[0, −1], [1, c]] (eigenvalues ζ_d^{±1})
 * and s ↦ [[0, 1], [1, 0]]. A block product is Strassen (or naive) over K_d with each K_d-product by
 * Toom–Cook: 7·(2e − 1) products for e = [K_d : Q].
 */
export function dihedralComponents(G: FiniteGroup, blocks: BlockChoice = 'best'): Component[] {
  const n = perm(G, 0).length;
  const ab = (g: number): [number, number] => {
    const p = perm(G, g);
    return [p[0], p[1] === (p[0] + 1) % n ? 0 : 1];
  };
  const comps = [scalarComponent('trivial', () => 1), scalarComponent('det', (g) => (ab(g)[1] ? -1 : 1))];
  if (n % 2 === 0) {
    comps.push(scalarComponent('r↦−1', (g) => (ab(g)[0] % 2 ? -1 : 1)));
    comps.push(scalarComponent('r↦−1,s↦−1', (g) => ((ab(g)[0] + ab(g)[1]) % 2 ? -1 : 1)));
  }
  for (let d = 3; d <= n; d++) {
    if (n % d !== 0) continue;
    const { K, c } = realCyclotomic(d);
    const z = kConst(K, 0), one = kConst(K, 1), mone = kConst(K, -1);
    const Cm: KMat = [[z, mone], [one, c]], Sm: KMat = [[z, one], [one, z]];
    const powers: KMat[] = [[[one, z], [z, one]]];
    for (let a = 1; a < n; a++) powers.push(kMatMul(K, powers[a - 1], Cm));
    comps.push({
      label: `ρ${d}`, algebra: K.e === 1 ? 'M2(Q)' : `M2(${K.name})`, k: 4 * K.e,
      encode: (g) => {
        const [a, b] = ab(g);
        return (b ? kMatMul(K, powers[a], Sm) : powers[a]).flat().flat();
      },
      mult: kronBilinear(matmulBilinear(2, blocks), fieldMulBilinear(K.mu)),
    });
  }
  return comps;
}

/** Quaternion units 1, i, j, k: b_s·b_t = sign·b_u. */
const HAM: [number, number][][] = [
  [[0, 1], [1, 1], [2, 1], [3, 1]],
  [[1, 1], [0, -1], [3, 1], [2, -1]],
  [[2, 1], [3, -1], [0, -1], [1, 1]],
  [[3, 1], [2, 1], [1, -1], [0, -1]],
];
const hamilton = (s: number, t: number) => {
  const [u, sg] = HAM[s][t];
  return Array.from({ length: 4 }, (_, x) => F(x === u ? sg : 0));
};

/**
 * Howell–Lafon: the quaternion product with 8 rational multiplications (the least over R),
 *   m1 = (a0+a1)(b0+b1), m2 = (a3−a2)(b2−b3), m3 = (a1−a0)(b2+b3), m4 = (a2+a3)(b1−b0),
 *   m5 = (a1+a3)(b1+b2), m6 = (a1−a3)(b1−b2), m7 = (a0+a2)(b0−b3), m8 = (a0−a2)(b0+b3).
 * Checked against the structure constants before use (falls back to the 16 naive products).
 */
export function quaternionBilinear(): Bilinear {
  const r = (...x: number[]) => x.map(F);
  const h = new Fraction(1, 2);
  const U = [r(1, 1, 0, 0), r(0, 0, -1, 1), r(-1, 1, 0, 0), r(0, 0, 1, 1), r(0, 1, 0, 1), r(0, 1, 0, -1), r(1, 0, 1, 0), r(1, 0, -1, 0)];
  const V = [r(1, 1, 0, 0), r(0, 0, 1, -1), r(0, 0, 1, 1), r(-1, 1, 0, 0), r(0, 1, 1, 0), r(0, 1, -1, 0), r(1, 0, 0, -1), r(1, 0, 0, 1)];
  // Columns c0..c3 per product.
  const Wt = [
    [0, 1, 0, 0, -1, -1, 1, 1].map((x, l) => (l >= 4 ? h.mul(x) : F(x))),
    [1, 0, 0, 0, -1, -1, -1, -1].map((x, l) => (l >= 4 ? h.mul(x) : F(x))),
    [0, 0, -1, 0, 1, -1, 1, -1].map((x, l) => (l >= 4 ? h.mul(x) : F(x))),
    [0, 0, 0, -1, 1, -1, -1, 1].map((x, l) => (l >= 4 ? h.mul(x) : F(x))),
  ];
  const hl: Bilinear = { a: 4, b: 4, c: 4, U, V, W: U.map((_, l) => Wt.map((col) => col[l])) };
  const ok = [0, 1, 2, 3].every((s) => [0, 1, 2, 3].every((t) => {
    const e = (x: number) => Array.from({ length: 4 }, (_, y) => F(x === y ? 1 : 0));
    const got = applyBilinearQ(hl, e(s), e(t)), want = hamilton(s, t);
    return got.every((x, y) => x.equals(want[y]));
  }));
  return ok ? hl : structureBilinear(4, hamilton);
}

/** Q8 = {±1, ±i, ±j, ±k}: Q[Q8] = Q⁴ ⊕ H_Q (rational quaternions, a division algebra). */
export function quaternionComponents(G: FiniteGroup, naiveH = false): Component[] {
  const code = (g: number) => perm(G, g)[0]; // 0:1 1:−1 2:i 3:−i 4:j 5:−j 6:k 7:−k
  const comps: Component[] = [];
  for (const [al, be] of [[1, 1], [-1, 1], [1, -1], [-1, -1]]) {
    comps.push(scalarComponent(`χ(i)=${al},χ(j)=${be}`, (g) => [1, al, be, al * be][code(g) >> 1]));
  }
  comps.push({
    label: 'H', algebra: 'H_Q', k: 4,
    encode: (g) => Array.from({ length: 4 }, (_, x) => F(x === code(g) >> 1 ? (code(g) & 1 ? -1 : 1) : 0)),
    mult: naiveH ? structureBilinear(4, hamilton) : quaternionBilinear(),
  });
  return comps;
}
