/**
 * Lift a scheme that is exact over Z2 to one exact over Z or Q (2-adic Hensel lifting).
 *
 * The Brent equations E(S) = Σ_l U_l⊗V_l⊗W_l − T are trilinear, so for S' = S + 2^k·Δ the cross
 * terms carry 2^{2k}: E(S') ≡ 0 (mod 2^{k+1}) is the GF(2) system J·Δ = E(S)/2^k with J the
 * Jacobian of E at S mod 2, the same matrix at every step. It is factored once (GF2Elimination)
 * and replayed on each right-hand side.
 *
 * Two stages: first a sign assignment (each Z2 one becomes ±1, zeros stay 0), which the mod-4
 * step decides up to a nullspace that is then searched for an exact pattern; then full Hensel
 * lifting with the free variables pinned to small starting values, rational reconstruction and
 * exact verification. Nothing is returned unless verifyScheme accepts it over Q.
 */
import { Fraction, Q } from '../field/index.ts';
import { makeScheme, type Scheme } from '../scheme/index.ts';
import { targetDims, targetTensor, type TargetSpec } from '../tensor/index.ts';
import { verifyScheme } from '../verify/index.ts';
import { flipBit, getBit, GF2Elimination, setBit, wordsFor } from './gf2.ts';
import { Rng } from '../util/rng.ts';
import { gcd } from '../util/bigint.ts';
import { ternarize } from './ternarize.ts';

export interface LiftOptions {
  /** Highest 2-adic step of the Hensel stage: coefficients are known mod 2^(maxK+1) (default 31, at most 62). */
  maxK?: number;
  seed?: number;
  /** Free-variable sets (one GF(2) elimination each) the Hensel stage tries (default 8). */
  attempts?: number;
  /** Budget of the sign search, in candidate sign patterns (default 200000); 0 goes straight to Hensel lifting. */
  signBudget?: number;
  /**
   * Accept only a lift with every coefficient in {-1, 0, 1} (a ZT scheme): a sign lift, or else an
   * integral Hensel lift made ternary by a change of basis (ternarize.ts).
   */
  ternary?: boolean;
}

/** k: for Hensel lifts, the precision (mod 2^k) at which the lift was recognised. */
export type LiftResult =
  | { scheme: Scheme<unknown>; method: 'signs' | 'hensel'; k?: number }
  | { scheme: null; reason: string };

/** Shape of the Brent system; coefficient vectors are flat, S = (U_0 V_0 W_0 U_1 V_1 W_1 …). */
interface Shape {
  a: number; b: number; c: number; r: number;
  /** Unknowns per product, a+b+c. */
  n: number;
  /** Integer target entries by equation (α·b+β)·c+γ. */
  T: Map<number, bigint>;
}

interface Jacobian {
  rows: Uint32Array[];
  /** The equation of each row (all-zero rows are dropped). */
  eq: number[];
}

export function liftScheme(s: Scheme<number>, opts: LiftOptions = {}): LiftResult {
  const r = liftAny(s, opts);
  if (!opts.ternary || !r.scheme || r.method === 'signs') return r;
  if (r.scheme.fieldTag !== 'Z') return { scheme: null, reason: 'no ternary lift: the lift is not integral' };
  const t = ternarize(r.scheme, { seed: opts.seed });
  return t.scheme ? { scheme: t.scheme, method: 'hensel', k: r.k } : { scheme: null, reason: `no ternary lift: ${t.reason}` };
}

function liftAny(s: Scheme<number>, opts: LiftOptions): LiftResult {
  if (s.field.name !== 'Z2') return { scheme: null, reason: `expected a scheme over Z2, got ${s.field.name}` };
  const sh = shapeOf(s.target, s.U.length);
  if (!sh) return { scheme: null, reason: 'the target tensor has non-integer entries' };
  const { a, b, c, r, n } = sh;
  const S0 = new Uint8Array(r * n);
  for (let l = 0; l < r; l++) {
    for (let x = 0; x < a; x++) S0[l * n + x] = s.U[l][x] & 1;
    for (let x = 0; x < b; x++) S0[l * n + a + x] = s.V[l][x] & 1;
    for (let x = 0; x < c; x++) S0[l * n + a + b + x] = s.W[l][x] & 1;
  }
  const start0 = Array.from(S0, BigInt);
  if (residualBit(sh, start0, 0).bits.some((x) => x)) return { scheme: null, reason: 'the scheme is not exact over Z2' };
  const rng = new Rng(opts.seed ?? 1);

  const budget = opts.signBudget ?? 200_000;
  const signs: ReturnType<typeof signStage> = budget > 0 ? signStage(sh, S0, rng, budget) : {};
  if (signs.S) {
    const out = verified(s, sh, signs.S.map((x) => [BigInt(x), 1n] as [bigint, bigint]));
    if (out) return { scheme: out, method: 'signs' };
  }

  const maxK = Math.max(1, Math.min(opts.maxK ?? 31, 62)), attempts = Math.max(1, opts.attempts ?? 8);
  const support: number[] = [], zeros: number[] = [];
  S0.forEach((x, j) => (x ? support : zeros).push(j));
  const J = jacobian(sh, S0, null, r * n);
  let best: { scheme: Scheme<unknown>; k: number; height: bigint } | null = null;
  let lastReason = '';
  for (let t = 0; t < attempts; t++) {
    // Pivots are preferred on the support, so the free (pinned) columns are mostly zeros and the
    // lift stays sparse; each attempt takes another free set.
    const order = t === 0 ? [...support, ...zeros] : [...shuffle(support, rng), ...shuffle(zeros, rng)];
    const fact = new GF2Elimination(J.rows, r * n, order);
    // Free columns keep their starting value for ever, so they pick the lift. Starting signs of
    // free support columns are not varied: they turned out to move only along the ±1 rescaling
    // of products, giving the same lift up to signs.
    const res = hensel(s, sh, J, fact, signs.mod4 ? signs.mod4.map(BigInt) : [...start0], maxK);
    if ('reason' in res) {
      if (res.fatal) return { scheme: null, reason: res.reason };
      lastReason = res.reason;
      continue;
    }
    if (res.scheme.fieldTag === 'Z') return { scheme: res.scheme, method: 'hensel', k: res.k };
    // A rational lift: keep it, but the other free sets may still give an integral one.
    const h = height(res.scheme);
    if (!best || h < best.height) best = { ...res, height: h };
  }
  if (best) return { scheme: best.scheme, method: 'hensel', k: best.k };
  const why = signs.why ? `no sign lift (${signs.why}); ` : '';
  return { scheme: null, reason: `${why}Hensel lifting to 2^${maxK + 1} found no rational lift with ${attempts} free sets (last: ${lastReason})` };
}

function shapeOf(target: TargetSpec, r: number): Shape | null {
  const [a, b, c] = targetDims(target);
  const T = new Map<number, bigint>();
  for (const e of targetTensor(target).entries) {
    if (e.v.d !== 1n) return null;
    T.set((e.i * b + e.j) * c + e.k, e.v.s * e.v.n);
  }
  return { a, b, c, r, n: a + b + c, T };
}

/** Bit k of every Brent residual at S (flat, U_0 V_0 W_0 U_1 …): residualBit for tests. */
export function brentResidualBits(target: TargetSpec, S: readonly bigint[], k: number): Uint8Array {
  const [a, b, c] = targetDims(target);
  return residualBit(shapeOf(target, S.length / (a + b + c))!, S, k).bits;
}

function height(s: Scheme<unknown>): bigint {
  let h = 0n;
  for (const M of [s.U, s.V, s.W]) for (const row of M) for (const x of row as Fraction[]) {
    if (x.n > h) h = x.n;
    if (x.d > h) h = x.d;
  }
  return h;
}

/**
 * Bit k of E(S) for every equation, and whether E(S) = 0 exactly (null where the arithmetic used
 * knows E only mod 2^32).
 */
function residualBit(sh: Shape, S: readonly bigint[], k: number): { bits: Uint8Array; zero: boolean | null } {
  const { a, b, c, r, n } = sh;
  const m = a * b * c;
  const bits = new Uint8Array(m);
  // Every nonzero term u·v·w of E, as (equation, and the three indices into S).
  const terms = (acc: (e: number, iu: number, iv: number, iw: number) => void) => {
    for (let l = 0; l < r; l++) {
      const o = l * n;
      const sv = nonzero(S, o + a, b), sw = nonzero(S, o + a + b, c);
      for (let x = 0; x < a; x++) {
        if (S[o + x] === 0n) continue;
        for (const y of sv) for (const z of sw) acc((x * b + y) * c + z, o + x, o + a + y, o + a + b + z);
      }
    }
  };
  let big = 0;
  for (const x of S) big = Math.max(big, Math.abs(Number(x)));
  if (big ** 3 * r < 2 ** 52) {
    // float64 is exact while every partial sum stays below 2^53: all the early steps.
    const E = new Float64Array(m), N = S.map(Number);
    terms((e, iu, iv, iw) => (E[e] += N[iu] * N[iv] * N[iw]));
    for (const [e, v] of sh.T) E[e] -= Number(v);
    for (let e = 0; e < m; e++) bits[e] = Math.floor(E[e] / 2 ** k) & 1;
    return { bits, zero: E.every((x) => x === 0) };
  }
  if (k < 32) {
    // Wrapping int32 arithmetic is exact mod 2^32, which is all a step below 32 reads.
    const E = new Int32Array(m), N = S.map((x) => Number(BigInt.asIntN(32, x)));
    terms((e, iu, iv, iw) => (E[e] = (E[e] + Math.imul(Math.imul(N[iu], N[iv]), N[iw])) | 0));
    for (const [e, v] of sh.T) E[e] = (E[e] - Number(BigInt.asIntN(32, v))) | 0;
    for (let e = 0; e < m; e++) bits[e] = (E[e] >>> k) & 1;
    return { bits, zero: null };
  }
  const E: bigint[] = new Array(m).fill(0n);
  terms((e, iu, iv, iw) => (E[e] += S[iu] * S[iv] * S[iw]));
  for (const [e, v] of sh.T) E[e] -= v;
  const K = BigInt(k);
  for (let e = 0; e < m; e++) bits[e] = Number((E[e] >> K) & 1n);
  return { bits, zero: E.every((x) => x === 0n) };
}

function nonzero(S: readonly bigint[], off: number, len: number): number[] {
  const out: number[] = [];
  for (let x = 0; x < len; x++) if (S[off + x] !== 0n) out.push(x);
  return out;
}

/**
 * The Jacobian mod 2 at S0, over the unknowns that `cols` maps to a column (all when null): the
 * unknown U[l][α] appears in equation (α,β,γ) with coefficient V[l][β]·W[l][γ], and so on.
 */
function jacobian(sh: Shape, S0: Uint8Array, cols: Int32Array | null, nCols: number): Jacobian {
  const { a, b, c, r, n } = sh;
  const byEq = new Map<number, Uint32Array>();
  const w = wordsFor(nCols);
  const add = (e: number, j: number) => {
    const cj = cols ? cols[j] : j;
    if (cj < 0) return;
    let row = byEq.get(e);
    if (!row) byEq.set(e, (row = new Uint32Array(w)));
    flipBit(row, cj);
  };
  for (let l = 0; l < r; l++) {
    const o = l * n;
    for (let x = 0; x < a; x++) for (let y = 0; y < b; y++) for (let z = 0; z < c; z++) {
      const u = S0[o + x], v = S0[o + a + y], t = S0[o + a + b + z];
      if (u + v + t < 2) continue;
      const e = (x * b + y) * c + z;
      if (v & t) add(e, o + x);
      if (u & t) add(e, o + a + y);
      if (u & v) add(e, o + a + b + z);
    }
  }
  const eq = [...byEq.keys()].filter((e) => byEq.get(e)!.some((x) => x !== 0)).sort((x, y) => x - y);
  return { rows: eq.map((e) => byEq.get(e)!), eq };
}

/** The right-hand side on the Jacobian's rows; null if a dropped (all-zero) row needs a 1. */
function rhsBits(bits: Uint8Array, J: Jacobian): Uint32Array | null {
  const v = new Uint32Array(wordsFor(J.eq.length));
  let onRows = 0, all = 0;
  J.eq.forEach((e, i) => {
    if (bits[e]) { setBit(v, i); onRows++; }
  });
  for (const x of bits) all += x;
  return all === onRows ? v : null;
}

/**
 * Signs: the mod-4 step restricted to the support fixes the signs up to a nullspace. Equations
 * with at most two nonzero terms are then exact already (±1 ≡ 1 and ±1±1 ≡ 0 mod 4 decide
 * them); those with three or more ("hard") are searched over the directions of the nullspace
 * that move their term signs: all of them when few, by greedy descent otherwise.
 */
function signStage(sh: Shape, S0: Uint8Array, rng: Rng, budget: number): { S?: number[]; mod4?: number[]; why?: string } {
  const { a, b, c, r, n } = sh;
  const supp: number[] = [];
  const cols = new Int32Array(S0.length).fill(-1);
  S0.forEach((x, j) => {
    if (x) { cols[j] = supp.length; supp.push(j); }
  });
  const J = jacobian(sh, S0, cols, supp.length);
  const rhs = rhsBits(residualBit(sh, Array.from(S0, BigInt), 1).bits, J);
  const fact = new GF2Elimination(J.rows, supp.length);
  const x0 = rhs && fact.solve(rhs);
  if (!x0) return { why: 'no ±1 lift mod 4 on the Z2 support' };
  const toS = (sig: Uint32Array) => {
    const S = Array.from(S0, Number);
    supp.forEach((j, i) => { if (getBit(sig, i)) S[j] = -1; });
    return S;
  };
  const terms = new Map<number, number[][]>();
  for (let l = 0; l < r; l++) {
    const o = l * n;
    for (let x = 0; x < a; x++) for (let y = 0; y < b; y++) for (let z = 0; z < c; z++) {
      if (!(S0[o + x] & S0[o + a + y] & S0[o + a + b + z])) continue;
      const e = (x * b + y) * c + z;
      const list = terms.get(e) ?? [];
      list.push([cols[o + x], cols[o + a + y], cols[o + a + b + z]]);
      terms.set(e, list);
    }
  }
  const hard = [...terms].filter(([, t]) => t.length >= 3).map(([e, t]) => ({ want: Number(sh.T.get(e) ?? 0n), t }));
  const flat = hard.flatMap((h) => h.t);
  // Bit i: the sign of hard term i is negative.
  const image = (sig: Uint32Array) => {
    const v = new Uint32Array(wordsFor(flat.length));
    flat.forEach(([p, q, t], i) => { if (getBit(sig, p) ^ getBit(sig, q) ^ getBit(sig, t)) setBit(v, i); });
    return v;
  };
  // Independent directions in term-sign space (reduced, lead bits distinct), each with a
  // nullspace vector that realises it; the rest of the nullspace only rescales products.
  const dirs: { img: Uint32Array; sig: Uint32Array }[] = [];
  const lead: number[] = [];
  for (const sig of fact.nullspace()) {
    const img = image(sig);
    for (let i = 0; i < dirs.length; i++) if (getBit(img, lead[i])) { xorInto(img, dirs[i].img); xorInto(sig, dirs[i].sig); }
    const p = firstBit(img);
    if (p < 0) continue;
    for (const d of dirs) if (getBit(d.img, p)) { xorInto(d.img, img); xorInto(d.sig, sig); }
    dirs.push({ img, sig });
    lead.push(p);
  }
  const violated = (img: Uint32Array) => {
    let bad = 0, i = 0;
    for (const h of hard) {
      let sum = 0;
      for (let q = 0; q < h.t.length; q++, i++) sum += getBit(img, i) ? -1 : 1;
      if (sum !== h.want) bad++;
    }
    return bad;
  };
  const cur = image(x0), sig = Uint32Array.from(x0);
  const mod4 = toS(x0);
  const d = dirs.length;
  if (d <= 16) {
    for (let g = 0; g < 1 << d && budget-- > 0; g++) {
      if (g > 0) {
        // Gray code: one direction changes per step.
        const i = 31 - Math.clz32(g & -g);
        xorInto(cur, dirs[i].img);
        xorInto(sig, dirs[i].sig);
      }
      if (violated(cur) === 0) return { S: toS(sig), mod4 };
    }
    return { mod4, why: d === 0 ? 'the mod-4 signs are forced and not exact' : `none of the 2^${d} sign patterns is exact` };
  }
  let bad = violated(cur);
  while (budget > 0) {
    let pick = -1, pickBad = bad;
    for (let i = 0; i < d && budget > 0; i++, budget--) {
      xorInto(cur, dirs[i].img);
      const v = violated(cur);
      xorInto(cur, dirs[i].img);
      if (v < pickBad || (v === pickBad && rng.int(d) === 0)) { pick = i; pickBad = v; }
    }
    // At a local minimum (or now and then anyway) a random direction, so the walk can escape.
    if (pick < 0 || rng.int(20) === 0) pick = rng.int(d);
    xorInto(cur, dirs[pick].img);
    xorInto(sig, dirs[pick].sig);
    bad = violated(cur);
    if (bad === 0) return { S: toS(sig), mod4 };
  }
  return { mod4, why: `a search over ${d} sign directions found no exact pattern` };
}

function xorInto(x: Uint32Array, y: Uint32Array): void {
  for (let i = 0; i < x.length; i++) x[i] ^= y[i];
}

function firstBit(v: Uint32Array): number {
  for (let w = 0; w < v.length; w++) if (v[w]) return w * 32 + (31 - Math.clz32(v[w] & -v[w]));
  return -1;
}

function shuffle<X>(xs: readonly X[], rng: Rng): X[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

type HenselOutcome = { scheme: Scheme<unknown>; k: number } | { reason: string; fatal: boolean };

/**
 * Lift `start` (a solution mod 2) step by step to 2^(maxK+1), free variables kept at their start
 * values; done when the symmetric residues already solve E = 0 over Z, otherwise tried by
 * rational reconstruction every few steps.
 */
function hensel(s: Scheme<number>, sh: Shape, J: Jacobian, fact: GF2Elimination, start: bigint[], maxK: number): HenselOutcome {
  const S = [...start];
  for (let k = 1; k <= maxK; k++) {
    const E = residualBit(sh, S, k);
    if (E.zero) {
      const out = verified(s, sh, S.map((x) => [x, 1n] as [bigint, bigint]));
      if (out) return { scheme: out, k };
    }
    const rhs = rhsBits(E.bits, J);
    const delta = rhs && fact.solve(rhs);
    if (!delta) {
      // Step 1 does not depend on the representative (J·Δ absorbs any change of it mod 4).
      if (k === 1) return { reason: 'the Brent equations have no solution mod 4 that reduces to this scheme, so it lifts neither to Z nor to Q (a lift with odd denominators would give one)', fatal: true };
      return { reason: `inconsistent at step ${k} (mod 2^${k + 1}) for this choice of free variables`, fatal: false };
    }
    const step = 1n << BigInt(k), mod = step << 1n;
    for (let j = 0; j < S.length; j++) {
      let x = (S[j] + (getBit(delta, j) ? step : 0n)) % mod;
      if (x > step) x -= mod;
      else if (x <= -step) x += mod;
      S[j] = x;
    }
    if ((k >= 8 && k % 4 === 0) || k === maxK) {
      const rat = reconstructAll(S, mod);
      const out = rat && verified(s, sh, rat);
      if (out) return { scheme: out, k: k + 1 };
    }
  }
  return { reason: `no rational reconstruction verified up to 2^${maxK + 1}`, fatal: false };
}

function reconstructAll(S: readonly bigint[], mod: bigint): [bigint, bigint][] | null {
  const bound = sqrtFloor(mod / 2n);
  const out: [bigint, bigint][] = [];
  for (const x of S) {
    const q = reconstruct(x, mod, bound);
    if (!q) return null;
    out.push(q);
  }
  return out;
}

/** n/d ≡ x (mod m) with |n|, d ≤ bound, d odd and gcd(n, d) = 1 (Wang's half-extended Euclid), or null. */
export function reconstruct(x: bigint, m: bigint, bound: bigint): [bigint, bigint] | null {
  let [r0, r1] = [m, ((x % m) + m) % m];
  let [t0, t1] = [0n, 1n];
  while (r1 > bound) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  if (t1 === 0n || (t1 < 0n ? -t1 : t1) > bound) return null;
  const [num, den] = t1 < 0n ? [-r1, -t1] : [r1, t1];
  if ((den & 1n) === 0n || gcd(num < 0n ? -num : num, den) !== 1n) return null;
  return [num, den];
}

function sqrtFloor(v: bigint): bigint {
  let x = BigInt(Math.floor(Math.sqrt(Number(v))));
  while (x * x > v) x--;
  while ((x + 1n) * (x + 1n) <= v) x++;
  return x;
}

/** The scheme with these exact coefficients, if verifyScheme accepts it over Q (else null). */
function verified(s: Scheme<number>, sh: Shape, vals: readonly [bigint, bigint][]): Scheme<unknown> | null {
  const { a, b, c, r, n } = sh;
  const F = vals.map(([x, d]) => new Fraction(x, d));
  const integral = vals.every(([, d]) => d === 1n);
  const part = (off: number, len: number) => Array.from({ length: r }, (_, l) => F.slice(l * n + off, l * n + off + len));
  const out = makeScheme({ field: Q, fieldTag: integral ? 'Z' : 'Q', target: s.target, U: part(0, a), V: part(a, b), W: part(a + b, c), meta: { ...s.meta, lifted: 'from Z2 by stlkit liftScheme' } });
  const rep = verifyScheme(out);
  return rep.kind === 'exact' && rep.exact ? out : null;
}
