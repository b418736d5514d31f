import { makeScheme, type Scheme } from '../../scheme/index.ts';
import type { Rng } from '../../util/rng.ts';
import { FactorGroups } from './groups.ts';

/**
 * A Z3-invariant <n,n,n> scheme over Z2 for the cyclic flip-graph walk (Moosbauer & Poole 2025).
 *
 * Everything here is in trace form: the tensor is Σ a_ij ⊗ b_jk ⊗ c'_ki with c' = Cᵀ, a factor is
 * an n×n matrix as n² bits (bit i*n+j ↔ [i][j]), and τ(a, b, c') = (b, c', a) is a symmetry of it
 * (rotateScheme in stlkit's convention). An invariant scheme is a set of orbits {x, τx, τ²x},
 * stored by one representative x, plus fixed terms d⊗d⊗d; rank = 3·orbits + fixed.
 *
 * A factor of any orbit can be flipped against any equal factor of another orbit, whatever the
 * slots: x[s] = y[s'] means x and τ^(s'−s)·y share slot s. So all 3·orbits factors sit in ONE
 * factor table (FactorGroups, slot 0 only): node ((o·3 + s) << 2) is factor s of orbit o.
 *
 * Orbit ids are stable (lowest free id first) and fixed terms keep their insertion order, so the
 * state is a function of the orbits by id, the fixed list and the flippable order (a snapshot).
 */
export interface CyclicStateSnapshot {
  n: number;
  capacity: number;
  /** By orbit id: the representative [a, b, c'] as bit sets, or null for a free id. */
  orbits: ([number, number, number] | null)[];
  fixed: number[];
  /** Flippable nodes in sampling order. */
  flippable: number[];
}

/** Slot after s and the one after that, cyclically: τ keeps this order, which is why flips commute with it. */
const S1 = [1, 2, 0], S2 = [2, 0, 1];

const node = (o: number, s: number): number => (o * 3 + s) << 2;
const orbitOf = (x: number): number => ((x >> 2) / 3) | 0;
const slotOf = (x: number): number => (x >> 2) % 3;

/** Bits of an n×n matrix transposed (c' ↔ C, C as written). */
export function transposeBits(x: number, n: number): number {
  let y = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if ((x >>> (i * n + j)) & 1) y |= 1 << (j * n + i);
  return y;
}

export class CyclicState {
  readonly n: number;
  readonly bits: number;
  /** Most orbits at once. */
  readonly capacity: number;
  readonly g: FactorGroups;
  readonly alive: Uint8Array;
  /** Fixed terms d⊗d⊗d by d, in insertion order. */
  fixed: number[] = [];
  orbits = 0;

  constructor(n: number, capacity: number) {
    // 26 bits keep every factor a positive int32, so `lo` alone holds it (hi stays 0).
    if (!Number.isInteger(n) || n < 1 || n * n > 26) throw new Error(`cyclic search supports <n,n,n> with n² ≤ 26, not n = ${n}`);
    this.n = n;
    this.bits = n * n;
    this.capacity = capacity;
    this.g = new FactorGroups(capacity * 3, [this.bits, this.bits, this.bits]);
    this.alive = new Uint8Array(capacity);
  }

  get rank(): number {
    return 3 * this.orbits + this.fixed.length;
  }

  /** The naive algorithm: cells (E_ij, E_jk, E_ki) grouped by rotation, (E_ii)^⊗3 fixed. */
  static naive(n: number, capacity?: number): CyclicState {
    const reps: number[][] = [], fixed: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) {
      const a = i * n + j, b = j * n + k, c = k * n + i;
      if (i === j && j === k) fixed.push(1 << a);
      else if (isCanonical(a, b, c)) reps.push([1 << a, 1 << b, 1 << c]);
    }
    return CyclicState.fromParts(n, reps, fixed, { capacity });
  }

  /**
   * T + Σ_{d∈F} d⊗d⊗d (= T − Σ over Z2) in the elementary basis, whose off-diagonal cells group into
   * orbits and diagonal cells E_p^⊗3 are fixed, plus the fixed terms F themselves: a start whose
   * fixed terms are chosen rather than the naive E_ii.
   */
  static withFixed(n: number, F: readonly number[], capacity?: number): CyclicState {
    const q = n * n, odd = new Uint8Array(q * q * q);
    const cell = (p: number, r: number, t: number) => (p * q + r) * q + t;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) odd[cell(i * n + j, j * n + k, k * n + i)] ^= 1;
    for (const d of F) {
      const sup: number[] = [];
      for (let p = 0; p < q; p++) if ((d >>> p) & 1) sup.push(p);
      for (const p of sup) for (const r of sup) for (const t of sup) odd[cell(p, r, t)] ^= 1;
    }
    const reps: number[][] = [], fixed: number[] = [...F];
    for (let p = 0; p < q; p++) for (let r = 0; r < q; r++) for (let t = 0; t < q; t++) {
      if (!odd[cell(p, r, t)]) continue;
      if (p === r && r === t) fixed.push(1 << p);
      else if (isCanonical(p, r, t)) reps.push([1 << p, 1 << r, 1 << t]);
    }
    return CyclicState.fromParts(n, reps, fixed, { capacity: capacity ?? reps.length + 32 });
  }

  /** Orbit representatives and fixed terms (trace form); reduced unless reduce is false. */
  static fromParts(n: number, reps: readonly (readonly number[])[], fixed: readonly number[], opts: { capacity?: number; reduce?: boolean } = {}): CyclicState {
    const st = new CyclicState(n, opts.capacity ?? reps.length + 32);
    if (reps.length > st.capacity) throw new Error(`${reps.length} orbits exceed capacity ${st.capacity}`);
    for (const [a, b, c] of reps) st.addOrbit(a, b, c);
    if (opts.reduce === false) st.fixed = [...fixed];
    else {
      for (const d of fixed) st.addFixed(d);
      st.reduceAll();
    }
    return st;
  }

  static restore(snap: CyclicStateSnapshot): CyclicState {
    const st = new CyclicState(snap.n, snap.capacity);
    st.load(snap);
    return st;
  }

  load(snap: CyclicStateSnapshot): void {
    if (snap.n !== this.n || snap.capacity !== this.capacity) throw new Error(`snapshot of <${snap.n}> (capacity ${snap.capacity}) does not fit <${this.n}> (capacity ${this.capacity})`);
    for (let o = 0; o < this.capacity; o++) if (this.alive[o]) this.kill(o);
    snap.orbits.forEach((x, o) => {
      if (x) this.place(o, x[0], x[1], x[2]);
    });
    this.fixed = [...snap.fixed];
    this.g.setFlippableOrder(snap.flippable);
  }

  snapshot(): CyclicStateSnapshot {
    let last = -1;
    for (let o = 0; o < this.capacity; o++) if (this.alive[o]) last = o;
    const orbits: ([number, number, number] | null)[] = [];
    for (let o = 0; o <= last; o++) orbits.push(this.alive[o] ? this.rep(o) : null);
    return { n: this.n, capacity: this.capacity, orbits, fixed: [...this.fixed], flippable: Array.from(this.g.fl.subarray(0, this.g.flLen)) };
  }

  val(o: number, s: number): number {
    return this.g.lo[node(o, s)];
  }

  rep(o: number): [number, number, number] {
    return [this.val(o, 0), this.val(o, 1), this.val(o, 2)];
  }

  /** Live orbit representatives by increasing id. */
  reps(): [number, number, number][] {
    const out: [number, number, number][] = [];
    for (let o = 0; o < this.capacity; o++) if (this.alive[o]) out.push(this.rep(o));
    return out;
  }

  /** All terms in trace form [a, b, c']: each orbit as x, τx, τ²x, then the fixed terms. */
  traceTerms(): number[][] {
    const out: number[][] = [];
    for (const [a, b, c] of this.reps()) out.push([a, b, c], [b, c, a], [c, a, b]);
    for (const d of this.fixed) out.push([d, d, d]);
    return out;
  }

  /** The expanded scheme over Z2 in stlkit's convention (C as written: c' transposed back). */
  toScheme(): Scheme<number> {
    const n = this.n, q = this.bits;
    const row = (x: number) => Array.from({ length: q }, (_, b) => (x >>> b) & 1);
    const T = this.traceTerms();
    return makeScheme({
      fieldTag: 'Z2',
      target: { kind: 'matmul', format: [n, n, n] },
      U: T.map((t) => row(t[0])),
      V: T.map((t) => row(t[1])),
      W: T.map((t) => row(transposeBits(t[2], n))),
      meta: { source: 'cyclic (Z3-invariant) flip-graph walk over Z2', symmetry: `cyclic: ${this.orbits} orbits + ${this.fixed.length} fixed` },
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Moves. A move on representatives x, y stands for the same move on (τx, τy) and (τ²x, τ²y):
  // three disjoint pairs when x and y lie in different orbits, so the scheme stays invariant.

  /**
   * Flip factor s1 of orbit o1 against the equal factor s2 of orbit o2 ≠ o1, i.e. x and
   * y' = τ^(s2−s1)·y sharing slot s1: (a, y1, z1) + (a, y2, z2) → (a, y1 + y2, z1) + (a, y2, z1 + z2).
   * In y's own slots "the next slot" is S1[s2], so no rotation is ever materialised. Returns the
   * change of rank (0, or negative after reductions); with reduce = false only zero orbits go.
   */
  flip(o1: number, s1: number, o2: number, s2: number, reduce = true): number {
    const before = this.rank;
    const u = S1[s1], v = S2[s2];
    this.set(o1, u, this.val(o1, u) ^ this.val(o2, S1[s2]));
    this.set(o2, v, this.val(o2, v) ^ this.val(o1, S2[s1]));
    if (reduce) {
      this.reduceAt(o1, u);
      if (this.alive[o2]) this.reduceAt(o2, v);
    } else {
      if (this.val(o2, v) === 0) this.kill(o2);
      if (this.val(o1, u) === 0) this.kill(o1);
    }
    return this.rank - before;
  }

  /**
   * A random flip: a uniform flippable node, then a uniform equal factor of another orbit (equal
   * factors of one orbit cannot be flipped: its three pairs would overlap). Returns the change of
   * rank; 0 also when the node has no partner.
   */
  randomFlip(rng: Rng, reduce = true): number {
    const g = this.g;
    if (g.flLen === 0) return 0;
    const x = g.fl[rng.int(g.flLen)], ox = orbitOf(x), grp = g.group[x];
    let k = 0;
    for (let y = g.gHead[grp]; y >= 0; y = g.next[y]) if (orbitOf(y) !== ox) k++;
    if (k === 0) return 0;
    let j = rng.int(k), y = g.gHead[grp];
    for (; ; y = g.next[y]) if (orbitOf(y) !== ox && j-- === 0) break;
    return this.flip(ox, slotOf(x), orbitOf(y), slotOf(y), reduce);
  }

  /**
   * Plus transition (rank + 3): with y' = τ^(s2−s1)·y, x = (x_s + y'_s, …) + (y'_s, …) splits off a
   * new orbit, and the second part, now sharing slot s1 with y', is flipped with it (direction
   * dir). False when not applicable (same orbit, equal factors, no room).
   */
  plus(o1: number, s1: number, o2: number, s2: number, dir: 0 | 1): boolean {
    if (o1 === o2 || !this.alive[o1] || !this.alive[o2] || this.orbits >= this.capacity) return false;
    const a = this.val(o2, s2);
    if (this.val(o1, s1) === a) return false;
    const z = this.rep(o1);
    z[s1] ^= a;
    const oz = this.addOrbit(z[0], z[1], z[2]);
    this.set(o1, s1, a);
    if (dir === 0) this.flip(o1, s1, o2, s2);
    else this.flip(o2, s2, o1, s1);
    this.reduceOrbits(o1, o2, oz);
    return true;
  }

  /**
   * Fixed-term transition (rank + 2): d⊗d⊗d = the orbit of (d, d, d) over Z2 (three copies), whose
   * factor d is flipped with the equal factor s of orbit o. The inverse of a collapse; the only move
   * besides reductions that changes the number of fixed terms.
   */
  fixedFlip(i: number, o: number, s: number, dir: 0 | 1): boolean {
    const d = this.fixed[i];
    if (d === undefined || !this.alive[o] || this.val(o, s) !== d || this.orbits >= this.capacity) return false;
    this.fixed.splice(i, 1);
    const od = this.addOrbit(d, d, d);
    if (dir === 0) this.flip(o, s, od, 0);
    else this.flip(od, 0, o, s);
    this.reduceOrbits(o, od);
    return true;
  }

  /** Check every orbit and fixed term (after loading or lazy flips). */
  reduceAll(): void {
    for (let o = 0; o < this.capacity; o++) for (let s = 0; s < 3; s++) if (this.alive[o]) this.reduceAt(o, s);
  }

  /** Add an orbit at the lowest free id, unreduced; returns the id. */
  addOrbit(a: number, b: number, c: number): number {
    let o = 0;
    while (o < this.capacity && this.alive[o]) o++;
    if (o === this.capacity) throw new Error(`more than ${this.capacity} orbits`);
    this.place(o, a, b, c);
    return o;
  }

  /**
   * Add d⊗d⊗d: it cancels an equal fixed term (2 = 0 over Z2), or is absorbed by an orbit with two
   * factors d (see reduceAt), or joins the fixed list.
   */
  addFixed(d: number): void {
    if (d === 0) return;
    const i = this.fixed.indexOf(d);
    if (i >= 0) {
      this.fixed.splice(i, 1);
      return;
    }
    const g = this.g, grp = g.find(0, d, 0);
    if (grp >= 0) {
      for (let y = g.gHead[grp]; y >= 0; y = g.next[y]) {
        const o = orbitOf(y), s = slotOf(y);
        const r = this.val(o, S1[s]) === d ? S2[s] : this.val(o, S2[s]) === d ? S1[s] : -1;
        if (r < 0) continue;
        this.set(o, r, this.val(o, r) ^ d);
        this.reduceAt(o, r);
        return;
      }
    }
    this.fixed.push(d);
  }

  // ---------------------------------------------------------------------------------------------

  private reduceOrbits(...os: number[]): void {
    for (const o of os) for (let s = 0; s < 3; s++) if (this.alive[o]) this.reduceAt(o, s);
  }

  /**
   * Factor s of orbit o just changed. Reductions, each keeping the tensor:
   *  - a zero factor: the orbit is zero (rank − 3);
   *  - x and τ^k·y share two factors: x + τ^k·y is one term, and so are the rotated pairs (− 3);
   *  - x = (a, a, a): its orbit is 3·a⊗a⊗a = a⊗a⊗a, one fixed term (− 2, see addFixed);
   *  - x has two factors d and d⊗d⊗d is fixed: orbit(x) + d⊗d⊗d = orbit(x with its third factor
   *    plus d), as orbit((d, d, d)) = 3·d⊗d⊗d (− 1).
   * A pair sharing two factors shares the changed one, so only its group needs looking at.
   */
  private reduceAt(o: number, s: number): void {
    const v = this.val(o, s);
    if (v === 0) {
      this.kill(o);
      return;
    }
    const a = this.val(o, 0), b = this.val(o, 1), c = this.val(o, 2);
    if (a === b && b === c) {
      this.kill(o);
      this.addFixed(a);
      return;
    }
    const g = this.g, p = S1[s], q = S2[s];
    for (let y = g.gHead[g.group[node(o, s)]]; y >= 0; y = g.next[y]) {
      const o2 = orbitOf(y);
      if (o2 === o) continue;
      const s2 = slotOf(y);
      const [r, r2] = this.val(o, p) === this.val(o2, S1[s2]) ? [q, S2[s2]] : this.val(o, q) === this.val(o2, S2[s2]) ? [p, S1[s2]] : [-1, -1];
      if (r < 0) continue;
      const merged = this.val(o, r) ^ this.val(o2, r2);
      this.kill(o2);
      this.set(o, r, merged);
      this.reduceAt(o, r);
      return;
    }
    if (this.fixed.length === 0) return;
    const r = a === b ? 2 : b === c ? 0 : c === a ? 1 : -1;
    if (r < 0) return;
    const d = this.val(o, S1[r]), i = this.fixed.indexOf(d);
    if (i < 0) return;
    this.fixed.splice(i, 1);
    this.set(o, r, this.val(o, r) ^ d);
    this.reduceAt(o, r);
  }

  private place(o: number, a: number, b: number, c: number): void {
    if (this.alive[o]) throw new Error(`orbit ${o} is in use`);
    const g = this.g;
    [a, b, c].forEach((x, s) => {
      if (!Number.isInteger(x) || x < 0 || x >= 2 ** this.bits) throw new Error(`factor ${x} is not a set of ${this.bits} bits`);
      g.lo[node(o, s)] = x;
      g.hi[node(o, s)] = 0;
      g.attach(node(o, s));
    });
    this.alive[o] = 1;
    this.orbits++;
  }

  private kill(o: number): void {
    const g = this.g;
    for (let s = 0; s < 3; s++) {
      g.detach(node(o, s));
      g.lo[node(o, s)] = 0;
    }
    this.alive[o] = 0;
    this.orbits--;
  }

  private set(o: number, s: number, x: number): void {
    const g = this.g, nd = node(o, s);
    g.detach(nd);
    g.lo[nd] = x;
    g.attach(nd);
  }
}

/** (p, q, r) is the smallest of its rotations (strictly below the others unless all are equal). */
function isCanonical(p: number, q: number, r: number): boolean {
  const key = (x: number, y: number, z: number) => (x * 4096 + y) * 4096 + z;
  const k = key(p, q, r);
  return k <= key(q, r, p) && k <= key(r, p, q);
}
