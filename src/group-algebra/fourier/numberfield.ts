import { Fraction, Q } from '../../field/index.ts';
import { Echelon } from '../../field/linalg.ts';
import { powerMod } from './bilinear.ts';

/**
 * Small exact number fields K = Q[t]/(mu), elements as coordinate vectors in 1, t, …, t^{e−1}:
 * the cyclotomic fields Q(ζ_d) = Q[x]/Φ_d (components of abelian group algebras) and their real
 * subfields Q(ζ_d + ζ_d⁻¹) (the fields over which the 2-dimensional representations of D_n live).
 */
export interface NumberField {
  readonly name: string;
  /** Monic minimal polynomial, low → high. */
  readonly mu: Fraction[];
  readonly e: number;
}

const F0 = new Fraction(0), F1 = new Fraction(1);

/** Φ_d with integer coefficients (low → high), from x^d − 1 = Π_{k | d} Φ_k. */
export function cyclotomic(d: number): bigint[] {
  let num: bigint[] = new Array(d + 1).fill(0n);
  num[0] = -1n;
  num[d] = 1n;
  for (let k = 1; k < d; k++) if (d % k === 0) num = divExact(num, cyclotomic(k));
  return num;
}

/** Exact division by a monic integer polynomial. */
function divExact(a: bigint[], b: bigint[]): bigint[] {
  const r = a.slice();
  const q: bigint[] = new Array(a.length - b.length + 1).fill(0n);
  for (let i = q.length - 1; i >= 0; i--) {
    const c = r[i + b.length - 1];
    q[i] = c;
    for (let j = 0; j < b.length; j++) r[i + j] -= c * b[j];
  }
  if (r.some((x) => x !== 0n)) throw new Error(`internal: cyclotomic division left a remainder`);
  return q;
}

export function eulerPhi(d: number): number {
  let out = 0;
  for (let k = 1; k <= d; k++) if (gcd(k, d) === 1) out++;
  return out;
}

export function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export function cyclotomicField(d: number): NumberField {
  const mu = cyclotomic(d).map((x) => new Fraction(x));
  return { name: d <= 2 ? 'Q' : `Q(ζ${d})`, mu, e: mu.length - 1 };
}

/** Product in K. */
export function kMul(K: NumberField, x: readonly Fraction[], y: readonly Fraction[]): Fraction[] {
  const prod = new Array<Fraction>(2 * K.e - 1).fill(F0);
  x.forEach((a, i) => y.forEach((b, j) => (prod[i + j] = prod[i + j].add(a.mul(b)))));
  const out = new Array<Fraction>(K.e).fill(F0);
  prod.forEach((c, i) => {
    if (c.n === 0n) return;
    powerMod(i, K.mu).forEach((v, k) => (out[k] = out[k].add(c.mul(v))));
  });
  return out;
}

export const kAdd = (x: readonly Fraction[], y: readonly Fraction[]) => x.map((a, i) => a.add(y[i]));
export const kConst = (K: NumberField, c: number | Fraction) => Array.from({ length: K.e }, (_, i) => (i === 0 ? new Fraction(c) : F0));

/**
 * K = Q(c) with c = ζ_d + ζ_d⁻¹ = 2cos(2π/d), and c's coordinates in K. The minimal polynomial is
 * found as the first linear dependency among 1, c, c², … computed in Q(ζ_d); degree φ(d)/2 for d ≥ 3.
 */
export function realCyclotomic(d: number): { K: NumberField; c: Fraction[] } {
  const L = cyclotomicField(d);
  const cL = kAdd(powerMod(1, L.mu), powerMod(d - 1, L.mu));
  const powers: Fraction[][] = [kConst(L, 1)];
  const ech = new Echelon(Q, L.e);
  ech.add(powers[0]);
  for (;;) {
    const next = kMul(L, powers[powers.length - 1], cL);
    if (!ech.add(next)) {
      // next = Σ α_j c^j: solve for α over the independent powers found so far.
      const e = powers.length;
      const sys = new Echelon(Q, e + 1);
      for (let k = 0; k < L.e; k++) sys.add([...powers.map((p) => p[k]), next[k].neg()]);
      const alpha = sys.nullspace()[0];
      const scale = alpha[e];
      const mu = [...alpha.slice(0, e).map((a) => a.div(scale).neg()), F1];
      const K: NumberField = { name: e === 1 ? 'Q' : `Q(2cos(2π/${d}))`, mu, e };
      const c = e === 1 ? [mu[0].neg()] : Array.from({ length: e }, (_, i) => (i === 1 ? F1 : F0));
      return { K, c };
    }
    powers.push(next);
  }
}
