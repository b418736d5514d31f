import { Fraction, Q } from '../../field/index.ts';
import { makeScheme, matInverse, type Scheme, type SchemeMeta } from '../../scheme/index.ts';
import type { FiniteGroup, TargetSpec } from '../../tensor/index.ts';
import { Echelon } from '../../field/linalg.ts';
import { kronBilinear, type Bilinear } from './bilinear.ts';

/**
 * One block of a Fourier (Wedderburn) decomposition F[G] → ⊕ A_i: the algebra homomorphism
 * g ↦ encode(g) ∈ Q^k (coordinates of A_i) and a bilinear algorithm `mult` for the product of A_i in
 * those coordinates (a matrix product by Strassen/Laderman/naive, a field product by Toom–Cook, …).
 */
export interface Component {
  label: string;
  /** What the block is, e.g. "M2(Q)", "Q(ζ4)", "H_Q", "M2(Q(2cos(2π/5)))". */
  algebra: string;
  k: number;
  encode: (g: number) => Fraction[];
  mult: Bilinear;
}

export interface ComponentSummary {
  label: string;
  algebra: string;
  dim: number;
  products: number;
}

/** Components of G × H from components of G and of H: encoders and algorithms multiply (⊗). */
export function kronComponent(a: Component, b: Component, orderB: number): Component {
  return {
    label: `${a.label}⊗${b.label}`,
    algebra: a.algebra === 'Q' ? b.algebra : b.algebra === 'Q' ? a.algebra : `${a.algebra}⊗${b.algebra}`,
    k: a.k * b.k,
    encode: (g) => {
      const x = a.encode(Math.floor(g / orderB)), y = b.encode(g % orderB);
      return x.flatMap((s) => y.map((t) => s.mul(t)));
    },
    mult: kronBilinear(a.mult, b.mult),
  };
}

/**
 * The scheme for multiplication in Q[G] (T[g, h, gh] = 1) from its components: encode x and y in
 * every block, multiply there, and decode with a left inverse L of the stacked encoder E (L·E = I).
 * Since E is an algebra homomorphism, the block products are E(xy), so L recovers xy exactly; when
 * the blocks are the Wedderburn components E is square and L = E⁻¹ (the inverse Fourier transform).
 */
export function assembleGroupScheme(G: FiniteGroup, comps: readonly Component[], target: TargetSpec, meta: SchemeMeta): Scheme<Fraction> {
  const n = G.order;
  const enc = Array.from({ length: n }, (_, g) => comps.map((c) => c.encode(g)));
  const K = comps.reduce((acc, c) => acc + c.k, 0);
  // Rows of E are block coordinates, columns group elements.
  const E: Fraction[][] = [];
  comps.forEach((c, ci) => {
    for (let a = 0; a < c.k; a++) E.push(Array.from({ length: n }, (_, g) => enc[g][ci][a]));
  });
  const ech = new Echelon(Q, n);
  const rows: number[] = [];
  E.forEach((row, i) => {
    if (rows.length < n && ech.add(row)) rows.push(i);
  });
  if (rows.length < n) throw new Error(`internal: the Fourier encoder of ${G.name} is not injective (rank ${rows.length} < ${n})`);
  const inv = matInverse(Q, rows.map((i) => E[i]));
  const L: Fraction[][] = Array.from({ length: n }, () => new Array<Fraction>(K).fill(new Fraction(0)));
  rows.forEach((i, x) => {
    for (let h = 0; h < n; h++) L[h][i] = inv[h][x];
  });
  const U: Fraction[][] = [], V: Fraction[][] = [], W: Fraction[][] = [];
  let off = 0;
  comps.forEach((c, ci) => {
    const f = c.mult;
    for (let l = 0; l < f.U.length; l++) {
      const lin = (row: Fraction[]) => Array.from({ length: n }, (_, g) => row.reduce((acc, x, a) => (x.n === 0n ? acc : acc.add(x.mul(enc[g][ci][a]))), new Fraction(0)));
      U.push(lin(f.U[l]));
      V.push(lin(f.V[l]));
      W.push(Array.from({ length: n }, (_, h) => f.W[l].reduce((acc, x, a) => (x.n === 0n ? acc : acc.add(x.mul(L[h][off + a]))), new Fraction(0))));
    }
    off += c.k;
  });
  const integral = [U, V, W].every((M) => M.every((r) => r.every((x) => x.d === 1n)));
  return makeScheme({ field: Q, fieldTag: integral ? 'Z' : 'Q', target, U, V, W, meta });
}

export function summarise(comps: readonly Component[]): ComponentSummary[] {
  return comps.map((c) => ({ label: c.label, algebra: c.algebra, dim: c.k, products: c.mult.U.length }));
}
