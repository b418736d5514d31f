import { C, R, type Gaussian } from '../../field/index.ts';
import { makeScheme, SchemeError, type Scheme } from '../../scheme/index.ts';
import { fieldMulBilinear, powerMod } from './bilinear.ts';
import type { Component } from './components.ts';
import { cyclotomicField, gcd } from './numberfield.ts';

/**
 * Abelian G = Z_{n1} × … × Z_{nk}, elements as mixed-radix digit tuples (last factor fastest, as in
 * abelianGroup). A character is k ∈ G (the dual group), χ_k(g) = ζ_N^{val_k(g)} with N = lcm(n_f)
 * and val_k(g) = Σ_f k_f·g_f·(N/n_f) mod N.
 */
export interface AbelianStructure {
  ns: number[];
  order: number;
  N: number;
  digits: (g: number) => number[];
  val: (k: number, g: number) => number;
}

export function abelianStructure(ns: readonly number[]): AbelianStructure {
  const order = ns.reduce((a, b) => a * b, 1);
  const N = ns.reduce((a, b) => (a * b) / gcd(a, b), 1);
  const digits = (g: number) => {
    const out = new Array<number>(ns.length);
    for (let f = ns.length - 1; f >= 0; f--) {
      out[f] = g % ns[f];
      g = Math.floor(g / ns[f]);
    }
    return out;
  };
  const val = (k: number, g: number) => {
    const dk = digits(k), dg = digits(g);
    return dk.reduce((acc, kf, f) => (acc + kf * dg[f] * (N / ns[f])) % N, 0);
  };
  return { ns: [...ns], order, N, digits, val };
}

/**
 * The rational Wedderburn decomposition Q[G] ≅ ⊕ Q(ζ_d), one field per Galois orbit of characters
 * (χ ~ χ^j, j prime to the order d of χ). On the orbit of χ the block map is g ↦ x^{ψ(g)} mod Φ_d(x)
 * with ψ = val_k / (N/d) ∈ Z_d: the exact rational form of the DFT. Products in Q(ζ_d) by Toom–Cook
 * (rank 2φ(d) − 1), so Q[G] costs 2|G| − (number of orbits) products, the least possible over Q.
 */
export function abelianComponents(ns: readonly number[], method: 'toom' | 'naive' = 'toom'): Component[] {
  const A = abelianStructure(ns);
  const seen = new Uint8Array(A.order);
  const comps: Component[] = [];
  const index = (ds: number[]) => ds.reduce((acc, x, f) => acc * ns[f] + x, 0);
  for (let k = 0; k < A.order; k++) {
    if (seen[k]) continue;
    const vals = Array.from({ length: A.order }, (_, g) => A.val(k, g));
    const g0 = vals.reduce((acc, v) => gcd(acc, v), A.N);
    const d = A.N / g0;
    const dk = A.digits(k);
    for (let j = 1; j <= d; j++) if (gcd(j, d) === 1) seen[index(dk.map((x, f) => (x * j) % ns[f]))] = 1;
    const K = cyclotomicField(d);
    comps.push({
      label: `χ${dk.join(',')}`, algebra: K.name, k: K.e,
      encode: (g) => powerMod(vals[g] / g0, K.mu),
      mult: fieldMulBilinear(K.mu, method),
    });
  }
  return comps;
}

/**
 * The DFT itself over C, exact in Q(i): only when every character value is a 4th root of unity
 * (each n_f ∈ {1, 2, 4}). One product per character, rank |G|.
 */
export function dftGaussian(ns: readonly number[]): Scheme<Gaussian> {
  const A = abelianStructure(ns);
  if (4 % A.N !== 0) throw new SchemeError(`the exact complex DFT needs exponents dividing 4 (Q(i)); Z${ns.join('×Z')} has exponent ${A.N}`);
  const powI = [C.one, C.parse([0, 1]), C.fromInt(-1), C.parse([0, -1])];
  const chi = (k: number, g: number) => powI[(A.val(k, g) * (4 / A.N)) % 4];
  const conj = (z: Gaussian) => ({ re: z.re, im: z.im.neg() });
  const inv = C.fromRational(1n, BigInt(A.order));
  const rows = (f: (k: number, g: number) => Gaussian) => Array.from({ length: A.order }, (_, k) => Array.from({ length: A.order }, (_, g) => f(k, g)));
  return makeScheme({
    field: C, fieldTag: 'C', target: { kind: 'group-algebra', group: groupName(ns) },
    U: rows(chi), V: rows(chi), W: rows((k, g) => C.mul(conj(chi(k, g)), inv)),
    meta: { source: `discrete Fourier transform of ${groupName(ns)} over Q(i)`, name: `dft-${groupName(ns)}` },
  });
}

/**
 * The realified DFT in float64: a real character (χ = χ̄) is one product; a conjugate pair
 * {χ, χ̄} is one complex product (a+bi)(c+di) done with three real ones, ac, bd, (a+b)(c+d).
 * Rank = #real characters + 3·#pairs; the residual is rounding only (~1e-15).
 */
export function dftReal(ns: readonly number[]): Scheme<number> {
  const A = abelianStructure(ns);
  const n = A.order;
  const U: number[][] = [], V: number[][] = [], W: number[][] = [];
  const theta = (k: number, g: number) => (2 * Math.PI * A.val(k, g)) / A.N;
  const negK = (k: number) => A.digits(k).reduce((acc, x, f) => acc * ns[f] + ((ns[f] - x) % ns[f]), 0);
  const done = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    if (done[k]) continue;
    const kk = negK(k);
    done[k] = done[kk] = 1;
    const cos = Array.from({ length: n }, (_, g) => Math.cos(theta(k, g)));
    const sin = Array.from({ length: n }, (_, g) => Math.sin(theta(k, g)));
    if (kk === k) {
      U.push(cos);
      V.push(cos);
      W.push(cos.map((c) => c / n));
      continue;
    }
    const s = 2 / n;
    U.push(cos, sin, cos.map((c, g) => c + sin[g]));
    V.push(cos, sin, cos.map((c, g) => c + sin[g]));
    W.push(cos.map((c, g) => s * (c - sin[g])), cos.map((c, g) => s * (-c - sin[g])), sin.map((x) => s * x));
  }
  return makeScheme({
    field: R, fieldTag: 'R', target: { kind: 'group-algebra', group: groupName(ns) }, U, V, W,
    meta: { source: `realified discrete Fourier transform of ${groupName(ns)} (float64)`, name: `dft-real-${groupName(ns)}` },
  });
}

/** The name namedGroup parses back to the same element order. */
export function groupName(ns: readonly number[]): string {
  return ns.map((x) => `Z${x}`).join('x');
}

