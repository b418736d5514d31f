import { changeField, formatOf, makeScheme, type Scheme } from '../../scheme/index.ts';
import type { Rng } from '../../util/rng.ts';
import { dependentSubset } from './dependence.ts';
import { FactorGroups } from './groups.ts';

/**
 * A <n,m,p> scheme over Z2 packed for the flip-graph walk (Kauers & Moosbauer 2022): term t has
 * factors a ∈ Z2^{n·m} (bit i*m+j ↔ A[i][j]), b ∈ Z2^{m·p} (bit j*p+k ↔ B[j][k]) and
 * c ∈ Z2^{n·p} (bit i*p+k ↔ C[i][k], C as written, stlkit's convention). A factor of up to 52 bits
 * is two 32-bit words; outside the hot loop it is one exact number lo + hi·2^32 ("key").
 *
 * Term ids are stable: a removed term leaves a hole that the next added term fills (lowest id
 * first), so the whole structure is a function of the terms by id plus the order of the flippable
 * set, which is what a snapshot stores.
 */
export type Format = [number, number, number];

/** The plain, JSON-able state of a FlipState. */
export interface FlipStateSnapshot {
  format: Format;
  capacity: number;
  /** By term id: [a, b, c] as keys lo + hi·2^32, or null for a free id. */
  terms: (number[] | null)[];
  /** Nodes (term*4 + slot) of the flippable set, in sampling order. */
  flippable: number[];
  deepReduce: boolean;
}

const TWO32 = 4294967296;
export const keyOf = (lo: number, hi: number): number => (lo >>> 0) + (hi >>> 0) * TWO32;
const loOf = (key: number): number => key | 0; // ToInt32 takes the value mod 2^32
const hiOf = (key: number): number => Math.floor(key / TWO32) | 0;

/** The naive algorithm's terms as keys: A[i][j]·B[j][k] into C[i][k]. */
export function naiveTerms([n, m, p]: Format): number[][] {
  const terms: number[][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let k = 0; k < p; k++) {
    terms.push([2 ** (i * m + j), 2 ** (j * p + k), 2 ** (i * p + k)]);
  }
  return terms;
}

/** The terms of a <n,m,p> scheme over Z2, or over Z/Q reduced mod 2, as [a, b, c] keys, unreduced. */
export function schemeKeys(s: Scheme<unknown>): number[][] {
  formatOf(s);
  // Z_p for odd p (or R, C) has no map to Z2 that keeps the scheme valid.
  if (s.field.name !== 'Z2' && s.field.name !== 'Q') throw new Error(`a scheme over ${s.field.name} has no reduction mod 2`);
  const z2 = changeField<unknown, number>(s, 'Z2');
  const key = (row: readonly number[]) => row.reduce((acc, x, t) => (x ? acc + 2 ** t : acc), 0);
  return z2.U.map((u, l) => [key(u), key(z2.V[l]), key(z2.W[l])]);
}

/** Slot after s and the one after that, cyclically. */
const S1 = [1, 2, 0, 0], S2 = [2, 0, 1, 0];

export class FlipState {
  readonly ring = 'Z2' as const;
  readonly format: Format;
  readonly capacity: number;
  /** Bits per factor: n·m, m·p, n·p. */
  readonly bits: readonly [number, number, number];
  readonly g: FactorGroups;
  readonly alive: Uint8Array;
  rank = 0;
  /**
   * Also reduce groups of three or more terms with dependent factors (see reduceGroups), as KM's
   * 2022 code did. Off by default: it costs 15–20 % of the flips on <4,4,4>, and in 1200 descents
   * from the naive <4,4,4> it did not raise the rate of reaching 49 (5/550 with, 9/650 without).
   */
  deepReduce = false;

  constructor(format: Format, capacity: number) {
    const [n, m, p] = format;
    if (![n, m, p].every((d) => Number.isInteger(d) && d >= 1)) throw new Error(`bad format <${format}>`);
    const bits: [number, number, number] = [n * m, m * p, n * p];
    if (Math.max(...bits) > 52) throw new Error(`<${format}> needs factors of ${Math.max(...bits)} bits; at most 52 fit`);
    this.format = [n, m, p];
    this.bits = bits;
    this.capacity = capacity;
    this.g = new FactorGroups(capacity, bits);
    this.alive = new Uint8Array(capacity);
  }

  /** The naive n·m·p-term algorithm: A[i][j]·B[j][k] into C[i][k]. */
  static naive(format: Format, capacity?: number): FlipState {
    return FlipState.fromTerms(format, naiveTerms(format), { capacity });
  }

  /** A scheme over Z2 (or over Z/Q, reduced mod 2) for <n,m,p> with C as written. */
  static fromScheme(s: Scheme<unknown>, capacity?: number): FlipState {
    return FlipState.fromTerms(formatOf(s), schemeKeys(s), { capacity });
  }

  /**
   * Terms as [a, b, c] keys. Unless reduce is false, zero terms are dropped and reducible terms
   * merged, as the walk expects. Capacity defaults to room for 64 plus transitions.
   */
  static fromTerms(format: Format, terms: readonly (readonly number[])[], opts: { capacity?: number; reduce?: boolean; deepReduce?: boolean } = {}): FlipState {
    const capacity = opts.capacity ?? terms.length + 64;
    if (terms.length > capacity) throw new Error(`${terms.length} terms exceed capacity ${capacity}`);
    const st = new FlipState(format, capacity);
    st.deepReduce = opts.deepReduce ?? false;
    for (const [a, b, c] of terms) st.addTerm(a, b, c, false);
    if (opts.reduce !== false) st.reduceAll();
    return st;
  }

  static restore(snap: FlipStateSnapshot): FlipState {
    const st = new FlipState(snap.format, snap.capacity);
    st.load(snap);
    return st;
  }

  /** Replace the whole state by a snapshot's (same format and capacity). */
  load(snap: FlipStateSnapshot): void {
    if (snap.format.join() !== this.format.join() || snap.capacity !== this.capacity) {
      throw new Error(`snapshot of <${snap.format}> (capacity ${snap.capacity}) does not fit <${this.format}> (capacity ${this.capacity})`);
    }
    this.clear();
    snap.terms.forEach((t, id) => {
      if (t) this.place(id, t[0], t[1], t[2]);
    });
    this.g.setFlippableOrder(snap.flippable);
    this.deepReduce = snap.deepReduce;
  }

  snapshot(): FlipStateSnapshot {
    const terms: (number[] | null)[] = [];
    let last = -1;
    for (let t = 0; t < this.capacity; t++) if (this.alive[t]) last = t;
    for (let t = 0; t <= last; t++) terms.push(this.alive[t] ? this.termKeys(t) : null);
    const flippable = Array.from(this.g.fl.subarray(0, this.g.flLen));
    return { format: [...this.format], capacity: this.capacity, terms, flippable, deepReduce: this.deepReduce };
  }

  /** Live term ids in increasing order. */
  ids(): number[] {
    const out: number[] = [];
    for (let t = 0; t < this.capacity; t++) if (this.alive[t]) out.push(t);
    return out;
  }

  termKeys(t: number): number[] {
    const { lo, hi } = this.g;
    return [0, 1, 2].map((s) => keyOf(lo[t * 4 + s], hi[t * 4 + s]));
  }

  /** The live terms as [a, b, c] keys, by increasing id. */
  terms(): number[][] {
    return this.ids().map((t) => this.termKeys(t));
  }

  /** The scheme over Z2, one product per live term in id order. */
  toScheme(): Scheme<number> {
    const [n, m, p] = this.format;
    const row = (key: number, len: number) => {
      const lo = loOf(key), hi = hiOf(key);
      return Array.from({ length: len }, (_, b) => (b < 32 ? (lo >>> b) & 1 : (hi >>> (b - 32)) & 1));
    };
    const T = this.terms();
    return makeScheme({
      fieldTag: 'Z2',
      target: { kind: 'matmul', format: [n, m, p] },
      U: T.map((t) => row(t[0], n * m)),
      V: T.map((t) => row(t[1], m * p)),
      W: T.map((t) => row(t[2], n * p)),
      meta: { source: 'flip-graph walk over Z2' },
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Moves. Each keeps the invariant "no zero factor, no two terms share two factors, and (with
  // deepReduce) terms sharing a factor have independent second and third factors" by checking
  // only the nodes it changed (see reduceAt).

  /**
   * Flip terms t1 ≠ t2 that share factor s: with (y, z) the next two slots,
   * (a, y1, z1) + (a, y2, z2) → (a, y1 + y2, z1) + (a, y2, z1 + z2), the same tensor over Z2.
   * Then reduce; with reduce = false only a term with a zero factor goes (it cannot wait: it would
   * sit in the zero factor's group), and reduceAll() should follow a series of such flips.
   * Returns the change of rank (0, or negative after a reduction).
   */
  flip(s: number, t1: number, t2: number, reduce = true): number {
    const before = this.rank;
    const g = this.g, lo = g.lo, hi = g.hi;
    const x = t1 * 4 + S1[s], y = t2 * 4 + S1[s];
    const u = t2 * 4 + S2[s], v = t1 * 4 + S2[s];
    this.setWords(x, lo[x] ^ lo[y], hi[x] ^ hi[y]);
    this.setWords(u, lo[u] ^ lo[v], hi[u] ^ hi[v]);
    if (reduce) {
      this.reduceAt(x, s);
      if (this.alive[t2]) this.reduceAt(u, s);
    } else {
      if (lo[u] === 0 && hi[u] === 0) this.kill(t2);
      if (lo[x] === 0 && hi[x] === 0) this.kill(t1);
    }
    return this.rank - before;
  }

  /** A random flip (see pick); returns the change of rank. */
  randomFlip(rng: Rng, reduce = true): number {
    const x = this.pick(rng);
    return x < 0 ? 0 : this.flip(x & 3, x >> 2, this.partner >> 2, reduce);
  }

  /** Partner node of the last pick. */
  private partner = -1;

  /** A uniform flippable node x (returned) and a uniform other member of its group (partner). */
  private pick(rng: Rng): number {
    const g = this.g;
    if (g.flLen === 0) return -1;
    const x = g.fl[rng.int(g.flLen)];
    const grp = g.group[x], k = g.gSize[grp];
    let y = g.gHead[grp];
    if (y === x) y = g.next[y];
    if (k > 2) {
      for (let j = rng.int(k - 1); j > 0; j--) {
        y = g.next[y];
        if (y === x) y = g.next[y];
      }
    }
    this.partner = y;
    return x;
  }

  /**
   * Plus transition (rank + 1), the split of Arai et al. and of KM's 2023 code: for terms t1 ≠ t2
   * whose factors in slot s differ, a1⊗y1⊗z1 = (a1 + a2)⊗y1⊗z1 + a2⊗y1⊗z1, and the second part
   * now shares a2 with t2, so a flip between them (direction `dir`) leaves three terms no two of
   * which share two factors (generically). Returns false when not applicable.
   */
  plus(s: number, t1: number, t2: number, dir: 0 | 1): boolean {
    const g = this.g, lo = g.lo, hi = g.hi;
    const x1 = t1 * 4 + s, x2 = t2 * 4 + s;
    if (t1 === t2 || !this.alive[t1] || !this.alive[t2] || this.rank >= this.capacity) return false;
    if (lo[x1] === lo[x2] && hi[x1] === hi[x2]) return false;
    const k = this.termKeys(t1);
    k[s] = keyOf(lo[x1] ^ lo[x2], hi[x1] ^ hi[x2]);
    const fresh = this.addTerm(k[0], k[1], k[2], false);
    this.setWords(x1, lo[x2], hi[x2]);
    if (dir === 0) this.flip(s, t1, t2);
    else this.flip(s, t2, t1);
    // Node x1 changed without a check, and the new term was added unchecked.
    for (const t of [t1, t2, fresh]) for (let q = 0; q < 3; q++) if (this.alive[t]) this.reduceAt(t * 4 + q);
    return true;
  }

  /** Add a term at the lowest free id; returns the id. */
  addTerm(a: number, b: number, c: number, reduce = true): number {
    let t = 0;
    while (t < this.capacity && this.alive[t]) t++;
    if (t === this.capacity) throw new Error(`rank would exceed capacity ${this.capacity}`);
    this.place(t, a, b, c);
    if (reduce) for (let q = 0; q < 3; q++) if (this.alive[t]) this.reduceAt(t * 4 + q);
    return t;
  }

  /** Check every term (after loading terms that may not be reduced). */
  reduceAll(): void {
    for (let t = 0; t < this.capacity; t++) for (let q = 0; q < 3; q++) if (this.alive[t]) this.reduceAt(t * 4 + q);
  }

  // ---------------------------------------------------------------------------------------------

  private place(t: number, a: number, b: number, c: number): void {
    if (this.alive[t]) throw new Error(`term ${t} is in use`);
    const g = this.g;
    [a, b, c].forEach((key, s) => {
      // A stray high bit would also index past the slot's direct table.
      if (!Number.isSafeInteger(key) || key < 0 || key >= 2 ** this.bits[s]) throw new Error(`factor key ${key} is not a set of ${this.bits[s]} bits`);
      g.lo[t * 4 + s] = loOf(key);
      g.hi[t * 4 + s] = hiOf(key);
      g.attach(t * 4 + s);
    });
    this.alive[t] = 1;
    this.rank++;
  }

  private kill(t: number): void {
    const g = this.g;
    for (let s = 0; s < 3; s++) {
      g.detach(t * 4 + s);
      g.lo[t * 4 + s] = g.hi[t * 4 + s] = 0;
    }
    this.alive[t] = 0;
    this.rank--;
  }

  private setWords(x: number, lo: number, hi: number): void {
    const g = this.g;
    g.detach(x);
    g.lo[x] = lo;
    g.hi[x] = hi;
    g.attach(x);
  }

  /**
   * Node x just changed. A zero factor kills its term; a term sharing x's factor and one more with
   * t merges: (a, b, z1) + (a, b, z2) = (a, b, z1 + z2), which may cascade. `within` is the slot
   * of the group in which x's term was just flipped, or -1 (see reduceGroups).
   */
  private reduceAt(x: number, within = -1): void {
    const g = this.g, lo = g.lo, hi = g.hi;
    const t = x >> 2, s = x & 3;
    if (lo[x] === 0 && hi[x] === 0) {
      this.kill(t);
      return;
    }
    const grp = g.group[x];
    const p = t * 4 + S1[s], q = t * 4 + S2[s];
    // A single member's list is x alone: the loop ends at once.
    for (let y = g.gHead[grp]; y >= 0; y = g.next[y]) {
      if (y === x) continue;
      const u = y - s; // node of u's slot 0
      const up = u + S1[s], uq = u + S2[s];
      const keep = lo[up] === lo[p] && hi[up] === hi[p] ? uq : lo[uq] === lo[q] && hi[uq] === hi[q] ? up : -1;
      if (keep < 0) continue;
      const mine = t * 4 + (keep & 3);
      const nlo = lo[keep] ^ lo[mine], nhi = hi[keep] ^ hi[mine];
      this.kill(t);
      this.setWords(keep, nlo, nhi);
      this.reduceAt(keep);
      return;
    }
    if (this.deepReduce) this.reduceGroups(t, s, within);
  }

  /** Scratch for reduceGroups: member nodes of one group, and their nodes in another slot. */
  private readonly members = new Int32Array(31);
  private readonly other = new Int32Array(31);

  /**
   * Terms sharing a factor a whose second factors are dependent, v_j = Σ_{i∈I} v_i: then
   * a⊗v_j⊗w_j = Σ_{i∈I} a⊗v_i⊗w_j folds into the terms i (w_i += w_j) and term j goes. Groups of
   * three or more only (two are the pairwise case above). Factor cs of t changed, so dependence
   * can be new only in the group t joined (both other slots) and among the slot-cs factors of t's
   * other groups. A flip inside the group of slot `within` changes a basis of its members' factors,
   * not their span: that group is skipped.
   */
  private reduceGroups(t: number, cs: number, within: number): void {
    const g = this.g, lo = g.lo, hi = g.hi;
    for (let s = 0; s < 3; s++) {
      if (s === within) continue;
      const grp = g.group[t * 4 + s], k = g.gSize[grp];
      if (k < 3 || k > 31) continue;
      let n = 0;
      for (let y = g.gHead[grp]; y >= 0; y = g.next[y]) this.members[n++] = y - s;
      for (let side = 0; side < 2; side++) {
        const q = side === 0 ? S1[s] : S2[s];
        if (s !== cs && q !== cs) continue;
        for (let i = 0; i < k; i++) this.other[i] = this.members[i] + q;
        const mask = dependentSubset(lo, hi, this.other, k);
        if (mask === 0) continue;
        const j = 31 - Math.clz32(mask), r = 3 - s - q;
        const jr = this.members[j] + r, changed: number[] = [];
        for (let i = 0; i < j; i++) {
          if (!(mask & (1 << i))) continue;
          const x = this.members[i] + r;
          this.setWords(x, lo[x] ^ lo[jr], hi[x] ^ hi[jr]);
          changed.push(x);
        }
        this.kill(this.members[j] >> 2);
        for (const x of changed) if (this.alive[x >> 2]) this.reduceAt(x);
        return;
      }
    }
  }

  private clear(): void {
    for (let t = 0; t < this.capacity; t++) if (this.alive[t]) this.kill(t);
  }
}
