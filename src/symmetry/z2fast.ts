import { Z2 } from '../field/index.ts';
import { formatOf, makeScheme, permuteScheme, SchemeError, type Mat, type Permutation, type Scheme } from '../scheme/index.ts';
import { allowedPerms, type PermSet, type SymElement } from './action.ts';

/**
 * Brute force over Z2 for formats with every dimension ≤ 3, where GL_d(Z2) is small (1, 6, 168
 * elements) and a factor matrix fits in 9 bits. Matrices are bit masks (bit i·c+j = entry (i, j), the
 * flat index of scheme rows), and each one-sided product P·x or x·Q is a table lookup, so the whole
 * group GL_n × GL_m × GL_p × σ (≤ 168³·6 ≈ 28M elements) can be scanned:
 *  - stabilisers: (σ, P, Q) must already map the multiset of u-factors onto itself, which rejects
 *    almost all pairs before R is tried;
 *  - canonical forms: the lexicographically least sorted list of packed terms over the whole orbit,
 *    with u in the high bits, so only the (σ, P, Q) that reach the least u-factor need a scan over R.
 */

export function z2Supported(s: Scheme<unknown>): boolean {
  return s.field.name === 'Z2' && s.target.kind === 'matmul' && !s.target.transposedC && formatOf(s).every((d) => d <= 3);
}

function requireSupported(s: Scheme<unknown>): void {
  if (!z2Supported(s)) throw new SchemeError(`the Z2 scan needs a Z2 matrix-multiplication scheme with every dimension ≤ 3, not ${s.field.name} <${s.target.kind === 'matmul' ? s.target.format.join(',') : s.target.kind}>`);
}

function mulBits(A: number, B: number, a: number, k: number, b: number): number {
  let out = 0;
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) {
    let bit = 0;
    for (let t = 0; t < k; t++) bit ^= ((A >> (i * k + t)) & 1) & ((B >> (t * b + j)) & 1);
    out |= bit << (i * b + j);
  }
  return out;
}

function transposeBits(A: number, a: number, b: number): number {
  let out = 0;
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) if ((A >> (i * b + j)) & 1) out |= 1 << (j * a + i);
  return out;
}

/** GL_d(Z2) as masks, with inverse and transpose of each. */
interface GL {
  d: number;
  mats: number[];
  inv: number[];
  tr: number[];
}
const glCache = new Map<number, GL>();
function gl(d: number): GL {
  const hit = glCache.get(d);
  if (hit) return hit;
  const id = Array.from({ length: d }, (_, i) => 1 << (i * d + i)).reduce((x, y) => x | y, 0);
  const all: number[] = [];
  for (let M = 0; M < 1 << (d * d); M++) all.push(M);
  const mats: number[] = [], inv: number[] = [];
  for (const M of all) {
    const I = all.find((N) => mulBits(M, N, d, d, d) === id);
    if (I !== undefined) {
      mats.push(M);
      inv.push(I);
    }
  }
  const g = { d, mats, inv, tr: mats.map((M) => transposeBits(M, d, d)) };
  glCache.set(d, g);
  return g;
}

/** table[i·2^(ab) + x] = M_i·x (left, M a×a) or x·M_i (right, M b×b) for x an a×b mask. */
function table(ms: number[], a: number, b: number, left: boolean): Uint16Array {
  const size = 1 << (a * b);
  const out = new Uint16Array(ms.length * size);
  ms.forEach((M, i) => {
    for (let x = 0; x < size; x++) out[i * size + x] = left ? mulBits(M, x, a, a, b) : mulBits(x, M, a, b, b);
  });
  return out;
}

interface Tables {
  n: number; m: number; p: number;
  gn: GL; gm: GL; gp: GL;
  /** u' = P⁻ᵀ u Qᵀ, v' = Q⁻ᵀ v Rᵀ, w' = P w R⁻¹. */
  Lu: Uint16Array; Ru: Uint16Array; Lv: Uint16Array; Rv: Uint16Array; Lw: Uint16Array; Rw: Uint16Array;
}
const tableCache = new Map<string, Tables>();
function tables(n: number, m: number, p: number): Tables {
  const key = `${n},${m},${p}`;
  const hit = tableCache.get(key);
  if (hit) return hit;
  const gn = gl(n), gm = gl(m), gp = gl(p);
  const invT = (g: GL) => g.inv.map((I) => transposeBits(I, g.d, g.d));
  const t: Tables = {
    n, m, p, gn, gm, gp,
    Lu: table(invT(gn), n, m, true), Ru: table(gm.tr, n, m, false),
    Lv: table(invT(gm), m, p, true), Rv: table(gp.tr, m, p, false),
    Lw: table(gn.mats, n, p, true), Rw: table(gp.inv, n, p, false),
  };
  tableCache.set(key, t);
  return t;
}

/** Products as [u, v, w] masks. */
function pack(s: Scheme<unknown>): [number[], number[], number[]] {
  const mask = (row: readonly unknown[]) => row.reduce<number>((acc, x, t) => acc | (((x as number) & 1) << t), 0);
  return [s.U.map(mask), s.V.map(mask), s.W.map(mask)];
}

const bitsToMat = (M: number, d: number): Mat<number> => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (M >> (i * d + j)) & 1));

function element(t: Tables, iP: number, iQ: number, iR: number, perm: Permutation): SymElement<number> {
  return { P: bitsToMat(t.gn.mats[iP], t.n), Q: bitsToMat(t.gm.mats[iQ], t.m), R: bitsToMat(t.gp.mats[iR], t.p), perm };
}

const cmpNum = (a: number, b: number) => a - b;

/** Every (P, Q, R, σ) over Z2 with g·s = s as a multiset of terms: a full scan of the group. */
export function z2Stabiliser(s: Scheme<unknown>, perms: PermSet = 'all'): { elements: SymElement<number>[]; scanned: number } {
  requireSupported(s);
  const [n, m, p] = formatOf(s);
  const t = tables(n, m, p);
  const [su, sv, sw] = pack(s);
  const r = su.length;
  const sizeU = 1 << (n * m), sizeV = 1 << (m * p), sizeW = 1 << (n * p);
  const packTerm = (u: number, v: number, w: number) => (u * sizeV + v) * sizeW + w;
  const target = su.map((u, l) => packTerm(u, sv[l], sw[l])).sort(cmpNum);
  const targetU = su.slice().sort(cmpNum);
  const elements: SymElement<number>[] = [];
  const us = new Array<number>(r), full = new Array<number>(r);
  let scanned = 0;
  for (const perm of allowedPerms([n, m, p], perms)) {
    const [au, av, aw] = pack(permuteScheme(s, perm));
    for (let iP = 0; iP < t.gn.mats.length; iP++) for (let iQ = 0; iQ < t.gm.mats.length; iQ++) {
      scanned += t.gp.mats.length;
      for (let l = 0; l < r; l++) us[l] = t.Ru[iQ * sizeU + t.Lu[iP * sizeU + au[l]]];
      us.sort(cmpNum);
      if (us.some((x, l) => x !== targetU[l])) continue;
      for (let iR = 0; iR < t.gp.mats.length; iR++) {
        for (let l = 0; l < r; l++) {
          const u = t.Ru[iQ * sizeU + t.Lu[iP * sizeU + au[l]]];
          const v = t.Rv[iR * sizeV + t.Lv[iQ * sizeV + av[l]]];
          const w = t.Rw[iR * sizeW + t.Lw[iP * sizeW + aw[l]]];
          full[l] = packTerm(u, v, w);
        }
        full.sort(cmpNum);
        if (full.every((x, l) => x === target[l])) elements.push(element(t, iP, iQ, iR, perm));
      }
    }
  }
  return { elements, scanned };
}

export interface Z2Canonical {
  /** "z2:<n,m,p>:" + sorted packed terms in base 36: equal iff the schemes are equivalent. */
  key: string;
  /** The canonical representative (products in key order). */
  scheme: Scheme<number>;
  /** An element g with g·s = the canonical representative. */
  element: SymElement<number>;
}

/** The exact canonical form over Z2: the least sorted packed-term list over the orbit of s. */
export function z2Canonical(s: Scheme<unknown>, perms: PermSet = 'all'): Z2Canonical {
  requireSupported(s);
  const [n, m, p] = formatOf(s);
  const t = tables(n, m, p);
  const sizeU = 1 << (n * m), sizeV = 1 << (m * p), sizeW = 1 << (n * p);
  const r = s.U.length;
  const allowed = allowedPerms([n, m, p], perms);
  const packed = allowed.map((perm) => pack(permuteScheme(s, perm)));
  // Stage 1: the least u-factor reachable, and every (σ, P, Q) that reaches it.
  let minU = Infinity;
  let cands: [number, number, number][] = [];
  packed.forEach(([au], x) => {
    for (let iP = 0; iP < t.gn.mats.length; iP++) for (let iQ = 0; iQ < t.gm.mats.length; iQ++) {
      let mu = Infinity;
      for (let l = 0; l < r; l++) mu = Math.min(mu, t.Ru[iQ * sizeU + t.Lu[iP * sizeU + au[l]]]);
      if (mu < minU) [minU, cands] = [mu, []];
      if (mu === minU) cands.push([x, iP, iQ]);
    }
  });
  // Stage 2: over R, the least first term decides quickly; ties get the full sorted comparison.
  let best: number[] | null = null;
  let arg: [number, number, number, number] = [0, 0, 0, 0];
  const full = new Array<number>(r);
  const us = new Array<number>(r), vs = new Array<number>(r), ws = new Array<number>(r);
  for (const [x, iP, iQ] of cands) {
    const [au, av, aw] = packed[x];
    const lead: number[] = [];
    for (let l = 0; l < r; l++) {
      us[l] = t.Ru[iQ * sizeU + t.Lu[iP * sizeU + au[l]]];
      vs[l] = t.Lv[iQ * sizeV + av[l]];
      ws[l] = t.Lw[iP * sizeW + aw[l]];
      if (us[l] === minU) lead.push(l);
    }
    for (let iR = 0; iR < t.gp.mats.length; iR++) {
      const oV = iR * sizeV, oW = iR * sizeW;
      let first = Infinity;
      for (const l of lead) first = Math.min(first, (us[l] * sizeV + t.Rv[oV + vs[l]]) * sizeW + t.Rw[oW + ws[l]]);
      if (best && first > best[0]) continue;
      for (let l = 0; l < r; l++) full[l] = (us[l] * sizeV + t.Rv[oV + vs[l]]) * sizeW + t.Rw[oW + ws[l]];
      full.sort(cmpNum);
      if (!best || lexLess(full, best)) {
        best = full.slice();
        arg = [x, iP, iQ, iR];
      }
    }
  }
  const terms = best ?? [];
  const bits = (x: number, len: number) => Array.from({ length: len }, (_, b) => (x >> b) & 1);
  const scheme = makeScheme({
    field: Z2, fieldTag: 'Z2', target: { kind: 'matmul', format: [n, m, p] },
    U: terms.map((x) => bits(Math.floor(x / (sizeV * sizeW)), n * m)),
    V: terms.map((x) => bits(Math.floor(x / sizeW) % sizeV, m * p)),
    W: terms.map((x) => bits(x % sizeW, n * p)),
    meta: { source: `Z2 canonical form of ${s.meta.name ?? s.meta.source ?? 'scheme'}` },
  });
  return { key: `z2:<${n},${m},${p}>:${terms.map((x) => x.toString(36)).join('.')}`, scheme, element: element(t, arg[1], arg[2], arg[3], allowed[arg[0]]) };
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
