import { Fraction, type Field } from '../field/index.ts';
import { entriesIn, frobeniusSq, targetTensor, type Tensor } from '../tensor/index.ts';
import type { Scheme } from '../scheme/index.ts';
import { equationLabel } from './labels.ts';

/** One Brent equation that does not hold: Σ_l U[l][α]V[l][β]W[l][γ] ≠ T[α,β,γ]. */
export interface Failure {
  index: [number, number, number];
  label: string;
  expected: string;
  actual: string;
}

export interface ExactReport {
  kind: 'exact';
  field: string;
  exact: boolean;
  /** Number of Brent equations, a·b·c. */
  equations: number;
  failing: number;
  failures: Failure[];
  /** Which arithmetic decided: all are exact. */
  method: 'integer-float64' | 'bigint' | 'bits' | 'field';
  /** For Q/Z schemes that fail: ‖T − T̂‖_F² / ‖T‖_F² exactly, as "p/q". */
  isotropicError?: string;
}

export interface FloatReport {
  kind: 'float';
  field: 'R';
  equations: number;
  relFrobenius: number;
  maxAbs: number;
  /** Entries of the residual tensor above 1e-12 in magnitude. */
  residualEntries: number;
  residualSq: number;
}

export type VerifyReport = ExactReport | FloatReport;

export interface VerifyOptions {
  /** How many failing equations to list. */
  maxFailures?: number;
}

/** The dense tensor size above which accumulation falls back to a Map. */
const DENSE_LIMIT = 1 << 25;
const SAFE = 2 ** 53;

/** Check the Brent equations of a scheme against its target, exactly over its field. */
export function verifyScheme<E>(s: Scheme<E>, opts: VerifyOptions = {}): VerifyReport {
  const T = targetTensor(s.target);
  const max = opts.maxFailures ?? 10;
  const F = s.field;
  if (F.name === 'R') return verifyFloat(s as unknown as Scheme<number>, T);
  if (F.name === 'Q') return verifyRational(s as unknown as Scheme<Fraction>, T, max);
  if (F.name === 'Z2') return verifyBits(s as unknown as Scheme<number>, T, max);
  return verifyGeneric(s, T, max, 'field');
}

function nonzeros<E>(F: Field<E>, row: readonly E[]): Int32Array {
  const idx: number[] = [];
  for (let t = 0; t < row.length; t++) if (!F.isZero(row[t])) idx.push(t);
  return Int32Array.from(idx);
}

function collect(s: Scheme<unknown>, T: Tensor, max: number, residual: (key: number) => [string, string] | null, keys: Iterable<number>) {
  const [, b, c] = T.dims;
  const failures: Failure[] = [];
  let failing = 0;
  for (const key of keys) {
    const r = residual(key);
    if (!r) continue;
    failing++;
    if (failures.length < max) {
      const [al, be, ga] = [Math.floor(key / (b * c)), Math.floor(key / c) % b, key % c];
      failures.push({ index: [al, be, ga], label: equationLabel(s.target, al, be, ga), expected: r[0], actual: r[1] });
    }
  }
  return { failing, failures };
}

/** Any exact field: a sparse accumulation in the field's own arithmetic. */
function verifyGeneric<E>(s: Scheme<E>, T: Tensor, max: number, method: ExactReport['method']): ExactReport {
  const F = s.field;
  const [a, b, c] = T.dims;
  const acc = new Map<number, E>();
  for (let l = 0; l < s.U.length; l++) {
    const [iu, iv, iw] = [nonzeros(F, s.U[l]), nonzeros(F, s.V[l]), nonzeros(F, s.W[l])];
    for (const al of iu) for (const be of iv) {
      const uv = F.mul(s.U[l][al], s.V[l][be]);
      const base = (al * b + be) * c;
      for (const ga of iw) {
        const prev = acc.get(base + ga);
        const add = F.mul(uv, s.W[l][ga]);
        acc.set(base + ga, prev === undefined ? add : F.add(prev, add));
      }
    }
  }
  const target = new Map(entriesIn(T, F).map((e) => [e.key, e.v]));
  const keys = [...new Set([...acc.keys(), ...target.keys()])].sort((x, y) => x - y);
  const { failing, failures } = collect(s, T, max, (key) => {
    const got = acc.get(key) ?? F.zero, want = target.get(key) ?? F.zero;
    return F.eq(got, want) ? null : [F.toString(want), F.toString(got)];
  }, keys);
  return { kind: 'exact', field: F.name, exact: failing === 0, equations: a * b * c, failing, failures, method };
}

const lcm = (x: bigint, y: bigint) => (x / gcd(x, y)) * y;
function gcd(x: bigint, y: bigint): bigint {
  if (x < 0n) x = -x;
  if (y < 0n) y = -y;
  while (y) [x, y] = [y, x % y];
  return x;
}

/** A row of rationals as integers over a common denominator. */
function integerRow(row: readonly Fraction[], idx: Int32Array): { den: bigint; nums: bigint[]; maxAbs: bigint } {
  let den = 1n;
  for (const t of idx) den = lcm(den, row[t].d);
  let maxAbs = 0n;
  const nums = Array.from(idx, (t) => {
    const v = row[t].s * row[t].n * (den / row[t].d);
    if ((v < 0n ? -v : v) > maxAbs) maxAbs = v < 0n ? -v : v;
    return v;
  });
  return { den, nums, maxAbs };
}

/**
 * Q (and Z): clear denominators, then sum integers. When a bound on every partial sum is below 2^53
 * the sums run in a Float64Array, where integers of that size are represented exactly; otherwise
 * in BigInt. Either way the decision is exact.
 */
function verifyRational(s: Scheme<Fraction>, T: Tensor, max: number): ExactReport {
  const F = s.field;
  const [a, b, c] = T.dims;
  const terms = s.U.map((_, l) => {
    const idx = [nonzeros(F, s.U[l]), nonzeros(F, s.V[l]), nonzeros(F, s.W[l])] as const;
    const rows = [integerRow(s.U[l], idx[0]), integerRow(s.V[l], idx[1]), integerRow(s.W[l], idx[2])] as const;
    return { idx, rows, den: rows[0].den * rows[1].den * rows[2].den };
  });
  let L = 1n;
  for (const t of terms) L = lcm(L, t.den);
  for (const e of T.entries) L = lcm(L, e.v.d);
  // Each term adds at most one product to a cell, so this bounds every partial sum.
  let bound = 0n;
  for (const e of T.entries) if (e.v.n * (L / e.v.d) > bound) bound = e.v.n * (L / e.v.d);
  for (const t of terms) bound += (L / t.den) * t.rows[0].maxAbs * t.rows[1].maxAbs * t.rows[2].maxAbs;
  const size = a * b * c;
  const useFloat = bound < BigInt(SAFE) && size <= DENSE_LIMIT;
  const keyOf = (e: { i: number; j: number; k: number }) => (e.i * b + e.j) * c + e.k;

  let residualAt: (key: number) => bigint;
  let keys: Iterable<number>;
  if (useFloat) {
    const acc = new Float64Array(size);
    for (const t of terms) {
      const scale = Number(L / t.den);
      const [iu, iv, iw] = t.idx;
      const [nu, nv, nw] = t.rows.map((r) => r.nums.map(Number));
      for (let x = 0; x < iu.length; x++) for (let y = 0; y < iv.length; y++) {
        const uv = scale * nu[x] * nv[y];
        const base = (iu[x] * b + iv[y]) * c;
        for (let z = 0; z < iw.length; z++) acc[base + iw[z]] += uv * nw[z];
      }
    }
    for (const e of T.entries) acc[keyOf(e)] -= Number(e.v.s * e.v.n * (L / e.v.d));
    const bad: number[] = [];
    for (let x = 0; x < size; x++) if (acc[x] !== 0) bad.push(x);
    residualAt = (key) => BigInt(acc[key]);
    keys = bad;
  } else {
    const acc = new Map<number, bigint>();
    for (const t of terms) {
      const scale = L / t.den;
      const [iu, iv, iw] = t.idx;
      const [nu, nv, nw] = t.rows.map((r) => r.nums);
      for (let x = 0; x < iu.length; x++) for (let y = 0; y < iv.length; y++) {
        const uv = scale * nu[x] * nv[y];
        const base = (iu[x] * b + iv[y]) * c;
        for (let z = 0; z < iw.length; z++) acc.set(base + iw[z], (acc.get(base + iw[z]) ?? 0n) + uv * nw[z]);
      }
    }
    for (const e of T.entries) acc.set(keyOf(e), (acc.get(keyOf(e)) ?? 0n) - e.v.s * e.v.n * (L / e.v.d));
    residualAt = (key) => acc.get(key) ?? 0n;
    keys = [...acc.entries()].filter(([, v]) => v !== 0n).map(([k]) => k).sort((x, y) => x - y);
  }
  const keyList = [...keys];
  const targetAt = new Map(T.entries.map((e) => [keyOf(e), e.v]));
  const { failing, failures } = collect(s, T, max, (key) => {
    const r = residualAt(key);
    if (r === 0n) return null;
    const want = targetAt.get(key) ?? new Fraction(0);
    return [want.toFraction(), want.add(new Fraction(r, L)).toFraction()];
  }, keyList);
  const report: ExactReport = { kind: 'exact', field: s.fieldTag, exact: failing === 0, equations: size, failing, failures, method: useFloat ? 'integer-float64' : 'bigint' };
  if (failing > 0) {
    let sq = 0n;
    for (const key of keyList) sq += residualAt(key) ** 2n;
    report.isotropicError = new Fraction(sq, L * L).div(frobeniusSq(T)).toFraction();
  }
  return report;
}

/** Z2: W rows packed into 32-bit words; each (α, β) cell accumulates by XOR. */
function verifyBits(s: Scheme<number>, T: Tensor, max: number): ExactReport {
  const [a, b, c] = T.dims;
  if (a * b * Math.ceil(c / 32) > DENSE_LIMIT) return verifyGeneric(s, T, max, 'field');
  const words = Math.ceil(c / 32);
  const acc = new Uint32Array(a * b * words);
  const F = s.field;
  const packed = new Uint32Array(words);
  for (let l = 0; l < s.U.length; l++) {
    packed.fill(0);
    s.W[l].forEach((x, g) => { if (x) packed[g >>> 5] |= 1 << (g & 31); });
    const iu = nonzeros(F, s.U[l]), iv = nonzeros(F, s.V[l]);
    for (const al of iu) for (const be of iv) {
      const base = (al * b + be) * words;
      for (let w = 0; w < words; w++) acc[base + w] ^= packed[w];
    }
  }
  for (const e of T.entries) {
    const v = Number(((e.v.s * e.v.n) % 2n + 2n) % 2n);
    if (e.v.d % 2n === 0n) throw new Error(`target entry ${e.v.toFraction()} has no value mod 2`);
    if (v) acc[(e.i * b + e.j) * words + (e.k >>> 5)] ^= 1 << (e.k & 31);
  }
  const bad: number[] = [];
  for (let cell = 0; cell < a * b; cell++) for (let w = 0; w < words; w++) {
    let x = acc[cell * words + w];
    while (x) {
      const bit = 31 - Math.clz32(x & -x);
      bad.push(cell * c + w * 32 + bit);
      x &= x - 1;
    }
  }
  bad.sort((x, y) => x - y);
  const targetAt = new Set(T.entries.filter((e) => (e.v.n % 2n) === 1n).map((e) => (e.i * b + e.j) * c + e.k));
  const { failing, failures } = collect(s, T, max, (key) => {
    const want = targetAt.has(key) ? 1 : 0;
    return [String(want), String(1 - want)];
  }, bad);
  return { kind: 'exact', field: 'Z2', exact: failing === 0, equations: a * b * c, failing, failures, method: 'bits' };
}

/** R: residual statistics only; a float scheme is never declared exact. */
function verifyFloat(s: Scheme<number>, T: Tensor): FloatReport {
  const [a, b, c] = T.dims;
  const acc = new Float64Array(a * b * c);
  for (let l = 0; l < s.U.length; l++) {
    const u = s.U[l], v = s.V[l], w = s.W[l];
    for (let al = 0; al < a; al++) {
      if (u[al] === 0) continue;
      for (let be = 0; be < b; be++) {
        const uv = u[al] * v[be];
        if (uv === 0) continue;
        const base = (al * b + be) * c;
        for (let ga = 0; ga < c; ga++) acc[base + ga] += uv * w[ga];
      }
    }
  }
  let tSq = 0;
  for (const e of T.entries) {
    const v = Number(e.v.s * e.v.n) / Number(e.v.d);
    acc[(e.i * b + e.j) * c + e.k] -= v;
    tSq += v * v;
  }
  let sq = 0, maxAbs = 0, entries = 0;
  for (const x of acc) {
    sq += x * x;
    if (Math.abs(x) > maxAbs) maxAbs = Math.abs(x);
    if (Math.abs(x) > 1e-12) entries++;
  }
  return { kind: 'float', field: 'R', equations: a * b * c, relFrobenius: Math.sqrt(sq / tSq), maxAbs, residualEntries: entries, residualSq: sq };
}
