import type { Scheme } from '../../scheme/index.ts';
import type { Rng } from '../../util/rng.ts';
import { FactorGroups } from './groups.ts';
import type { Format } from './state.ts';
import { TERNARY_BITS, minusPlane, plusPlane, ternaryKey } from './ternary.ts';

/** Rings whose flips run on signed states: ZT (integers kept in {−1, 0, 1}) and Z3. */
export type SignedRing = 'ZT' | 'Z3';

/** The plain, JSON-able state of a signed flip state. */
export interface SignedStateSnapshot {
  ring: SignedRing;
  format: Format;
  capacity: number;
  /** By term id: [a, b, c, σ] (canonical ternary keys and the term's sign), or null for a free id. */
  terms: (number[] | null)[];
  /** Nodes (term*4 + slot) of the flippable set, in sampling order. */
  flippable: number[];
}

/** Slot after s and the one after that, cyclically. */
const S1 = [1, 2, 0, 0], S2 = [2, 0, 1, 0];

/**
 * A <n,m,p> scheme with coefficients in {−1, 0, 1} packed for the flip-graph walk, the signed
 * sibling of FlipState (same node numbering t*4 + s, same factor groups, same moves). Term t is
 * σ_t·a⊗b⊗c with canonical factors (first nonzero entry +1, see ternary.ts) stored as two
 * bit-planes in the groups' lo (+1) and hi (−1) words, so terms share a factor up to sign exactly
 * when they share a group.
 *
 * A flip of terms sharing a (factors y, z in the other two slots, μ = ±1):
 *   σ1·a⊗y1⊗z1 + σ2·a⊗y2⊗z2 = σ1·a⊗(y1 + μ·y2)⊗z1 + σ2·a⊗y2⊗(z2 − μσ1σ2·z1),
 * an identity over Z. The ring says what a sum of two factors is (`sum`): over ZT a sum with an
 * entry ±2 is refused, so the flip is not taken (as Perminov's ternary flip graph does) and every
 * state is an exact scheme over Z; over Z3 sums are taken mod 3 and always exist.
 *
 * Term ids are stable as in FlipState: the structure is a function of the terms by id plus the
 * order of the flippable set, which is what a snapshot stores.
 */
export abstract class SignedFlipState {
  abstract readonly ring: SignedRing;
  readonly format: Format;
  readonly capacity: number;
  readonly bits: readonly [number, number, number];
  readonly g: FactorGroups;
  readonly alive: Uint8Array;
  /** σ_t ∈ {−1, 1} by term id. */
  readonly sign: Int8Array;
  rank = 0;
  /** Flips not taken because both signs μ gave a sum the ring refuses (ZT only). */
  refused = 0;
  /** The result of the last `sum`. */
  protected sp = 0;
  protected sn = 0;

  constructor(format: Format, capacity: number) {
    const [n, m, p] = format;
    if (![n, m, p].every((d) => Number.isInteger(d) && d >= 1)) throw new Error(`bad format <${format}>`);
    const bits: [number, number, number] = [n * m, m * p, n * p];
    if (Math.max(...bits) > TERNARY_BITS) throw new Error(`<${format}> needs factors of ${Math.max(...bits)} entries; at most ${TERNARY_BITS} fit a signed flip state`);
    this.format = [n, m, p];
    this.bits = bits;
    this.capacity = capacity;
    this.g = new FactorGroups(capacity, bits, false);
    this.alive = new Uint8Array(capacity);
    this.sign = new Int8Array(capacity);
  }

  /** v1 + v2 (bit-planes) into (sp, sn); false when the ring has no such sum in {−1, 0, 1}. */
  protected abstract sum(p1: number, n1: number, p2: number, n2: number): boolean;

  /** The scheme over the ring's field (Z for ZT, Z3), one product per live term in id order. */
  abstract toScheme(): Scheme<unknown>;

  /**
   * Terms [a, b, c] or [a, b, c, σ] as ternary keys (any signs; canonicalised here). Unless reduce
   * is false, zero terms are dropped and reducible terms merged. Capacity defaults to room for 64
   * plus transitions.
   */
  static fromTerms<T extends SignedFlipState>(this: new (format: Format, capacity: number) => T, format: Format, terms: readonly (readonly number[])[], opts: { capacity?: number; reduce?: boolean } = {}): T {
    const capacity = opts.capacity ?? terms.length + 64;
    if (terms.length > capacity) throw new Error(`${terms.length} terms exceed capacity ${capacity}`);
    const st = new this(format, capacity);
    for (const t of terms) st.addTerm(t[0], t[1], t[2], t[3] ?? 1, false);
    if (opts.reduce !== false) st.reduceAll();
    return st;
  }

  /** Replace the whole state by a snapshot's (same ring, format and capacity). */
  load(snap: SignedStateSnapshot): void {
    if (snap.ring !== this.ring || snap.format.join() !== this.format.join() || snap.capacity !== this.capacity) {
      throw new Error(`snapshot of <${snap.format}> over ${snap.ring} (capacity ${snap.capacity}) does not fit <${this.format}> over ${this.ring} (capacity ${this.capacity})`);
    }
    this.clear();
    snap.terms.forEach((t, id) => {
      if (t) this.place(id, t[0], t[1], t[2], t[3]);
    });
    this.g.setFlippableOrder(snap.flippable);
  }

  snapshot(): SignedStateSnapshot {
    const terms: (number[] | null)[] = [];
    let last = -1;
    for (let t = 0; t < this.capacity; t++) if (this.alive[t]) last = t;
    for (let t = 0; t <= last; t++) terms.push(this.alive[t] ? [...this.factorKeys(t), this.sign[t]] : null);
    const flippable = Array.from(this.g.fl.subarray(0, this.g.flLen));
    return { ring: this.ring, format: [...this.format], capacity: this.capacity, terms, flippable };
  }

  ids(): number[] {
    const out: number[] = [];
    for (let t = 0; t < this.capacity; t++) if (this.alive[t]) out.push(t);
    return out;
  }

  /** The canonical factors of term t as keys (its sign apart). */
  factorKeys(t: number): number[] {
    const { lo, hi } = this.g;
    return [0, 1, 2].map((s) => ternaryKey(lo[t * 4 + s], hi[t * 4 + s]));
  }

  /** The live terms as [a, b, c] keys with each term's sign folded into c, by increasing id. */
  terms(): number[][] {
    return this.ids().map((t) => {
      const [a, b, c] = this.factorKeys(t);
      return [a, b, this.sign[t] < 0 ? ternaryKey(minusPlane(c), plusPlane(c)) : c];
    });
  }

  /** U, V, W as rows of integers in {−1, 0, 1} (the sign in W), one per live term in id order. */
  rows(): { U: number[][]; V: number[][]; W: number[][] } {
    const { lo, hi } = this.g;
    const row = (x: number, len: number, sg: number) => Array.from({ length: len }, (_, i) => sg * (((lo[x] >>> i) & 1) - ((hi[x] >>> i) & 1)));
    const ids = this.ids();
    return {
      U: ids.map((t) => row(t * 4, this.bits[0], 1)),
      V: ids.map((t) => row(t * 4 + 1, this.bits[1], 1)),
      W: ids.map((t) => row(t * 4 + 2, this.bits[2], this.sign[t])),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Moves; each keeps "no zero factor, no two terms sharing two factors whose merge the ring
  // allows" by checking only the nodes it changed.

  /**
   * Flip terms t1 ≠ t2 sharing factor s with sign μ (the other sign when the ring refuses μ; no
   * change, counted in `refused`, when it refuses both). Then reduce; with reduce = false only a
   * term with a zero factor goes, and reduceAll() should follow. Returns the change of rank.
   */
  flip(s: number, t1: number, t2: number, reduce = true, mu = 1): number {
    const before = this.rank;
    const g = this.g, lo = g.lo, hi = g.hi;
    const x = t1 * 4 + S1[s], y = t2 * 4 + S1[s];
    const u = t2 * 4 + S2[s], v = t1 * 4 + S2[s];
    const s12 = this.sign[t1] * this.sign[t2];
    for (let k = 0; k < 2; k++, mu = -mu) {
      // y1 + μ·y2
      if (!(mu > 0 ? this.sum(lo[x], hi[x], lo[y], hi[y]) : this.sum(lo[x], hi[x], hi[y], lo[y]))) continue;
      const ap = this.sp, an = this.sn;
      // z2 − μσ1σ2·z1
      if (!(mu * s12 < 0 ? this.sum(lo[u], hi[u], lo[v], hi[v]) : this.sum(lo[u], hi[u], hi[v], lo[v]))) continue;
      this.setFactor(x, ap, an);
      this.setFactor(u, this.sp, this.sn);
      if (reduce) {
        this.reduceAt(x);
        if (this.alive[t2]) this.reduceAt(u);
      } else {
        if (lo[u] === 0 && hi[u] === 0) this.kill(t2);
        if (lo[x] === 0 && hi[x] === 0) this.kill(t1);
      }
      return this.rank - before;
    }
    this.refused++;
    return 0;
  }

  /** A random flip (uniform flippable node, uniform partner in its group, random μ). */
  randomFlip(rng: Rng, reduce = true): number {
    const x = this.pick(rng);
    if (x < 0) return 0;
    return this.flip(x & 3, x >> 2, this.partner >> 2, reduce, rng.int(2) ? 1 : -1);
  }

  private partner = -1;

  /** As FlipState.pick: a uniform flippable node x and a uniform other member of its group. */
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
   * Plus transition (rank + 1): σ1·a1⊗y1⊗z1 = σ1·(a1 − ν·a2)⊗y1⊗z1 + σ1ν·a2⊗y1⊗z1, and the second
   * part shares a2 with t2, so a flip between them (direction `dir`) follows. ν = ±1 (the other
   * sign when the ring refuses the first). Returns false, with nothing changed, when not
   * applicable: equal factors, no ν, or a flip the ring refuses (it would be merged back at once).
   */
  plus(s: number, t1: number, t2: number, dir: 0 | 1, nu = 1): boolean {
    const g = this.g, lo = g.lo, hi = g.hi;
    const x1 = t1 * 4 + s, x2 = t2 * 4 + s;
    if (t1 === t2 || !this.alive[t1] || !this.alive[t2] || this.rank >= this.capacity) return false;
    const a1p = lo[x1], a1n = hi[x1], a2p = lo[x2], a2n = hi[x2], s1 = this.sign[t1];
    if (a1p === a2p && a1n === a2n) return false;
    for (let k = 0; k < 2; k++, nu = -nu) {
      if (!(nu > 0 ? this.sum(a1p, a1n, a2n, a2p) : this.sum(a1p, a1n, a2p, a2n))) continue;
      const keys = this.factorKeys(t1);
      keys[s] = ternaryKey(this.sp, this.sn);
      const fresh = this.addTerm(keys[0], keys[1], keys[2], s1, false);
      this.setWords(x1, a2p, a2n);
      this.sign[t1] = s1 * nu;
      const refused = this.refused;
      if (dir === 0) this.flip(s, t1, t2, true, 1);
      else this.flip(s, t2, t1, true, 1);
      if (this.refused !== refused) {
        this.refused = refused;
        this.kill(fresh);
        this.setWords(x1, a1p, a1n);
        this.sign[t1] = s1;
        return false;
      }
      // Node x1 changed without a check, and the new term was added unchecked.
      for (const t of [t1, t2, fresh]) for (let q = 0; q < 3; q++) if (this.alive[t]) this.reduceAt(t * 4 + q);
      return true;
    }
    return false;
  }

  /** Add σ·a⊗b⊗c (keys of any sign) at the lowest free id; returns the id. */
  addTerm(a: number, b: number, c: number, sign = 1, reduce = true): number {
    let t = 0;
    while (t < this.capacity && this.alive[t]) t++;
    if (t === this.capacity) throw new Error(`rank would exceed capacity ${this.capacity}`);
    let sg = sign;
    const keys = [a, b, c].map((key, s) => {
      if (!Number.isSafeInteger(key) || key < 0) throw new Error(`factor key ${key} is not a ternary key`);
      const P = plusPlane(key), N = minusPlane(key);
      if (P & N || P >= 2 ** this.bits[s] || N >= 2 ** this.bits[s]) throw new Error(`factor key ${key} is not a vector of ${this.bits[s]} entries in {-1, 0, 1}`);
      const low = (P | N) & -(P | N);
      if (N & low) {
        sg = -sg;
        return ternaryKey(N, P);
      }
      return key;
    });
    this.place(t, keys[0], keys[1], keys[2], sg);
    if (reduce) for (let q = 0; q < 3; q++) if (this.alive[t]) this.reduceAt(t * 4 + q);
    return t;
  }

  /** Check every term (after loading terms that may not be reduced). */
  reduceAll(): void {
    for (let t = 0; t < this.capacity; t++) for (let q = 0; q < 3; q++) if (this.alive[t]) this.reduceAt(t * 4 + q);
  }

  // ---------------------------------------------------------------------------------------------

  private place(t: number, a: number, b: number, c: number, sign: number): void {
    if (this.alive[t]) throw new Error(`term ${t} is in use`);
    if (sign !== 1 && sign !== -1) throw new Error(`term sign ${sign} is not ±1`);
    const g = this.g;
    [a, b, c].forEach((key, s) => {
      g.lo[t * 4 + s] = plusPlane(key);
      g.hi[t * 4 + s] = minusPlane(key);
      g.attach(t * 4 + s);
    });
    this.sign[t] = sign;
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

  /** Set node x to the vector (P, N), canonicalised: a leading −1 moves into its term's sign. */
  private setFactor(x: number, P: number, N: number): void {
    const low = (P | N) & -(P | N);
    if (N & low) {
      this.sign[x >> 2] = -this.sign[x >> 2];
      this.setWords(x, N, P);
    } else this.setWords(x, P, N);
  }

  /**
   * Node x just changed. A zero factor kills its term; a term u sharing x's factor and one more
   * with t merges when the ring allows: σu·a⊗b⊗zu + σt·a⊗b⊗zt = σu·a⊗b⊗(zu + σuσt·zt).
   */
  private reduceAt(x: number): void {
    const g = this.g, lo = g.lo, hi = g.hi;
    const t = x >> 2, s = x & 3;
    if (lo[x] === 0 && hi[x] === 0) {
      this.kill(t);
      return;
    }
    const grp = g.group[x];
    const p = t * 4 + S1[s], q = t * 4 + S2[s];
    for (let y = g.gHead[grp]; y >= 0; y = g.next[y]) {
      if (y === x) continue;
      const u = y - s;
      const up = u + S1[s], uq = u + S2[s];
      const keep = lo[up] === lo[p] && hi[up] === hi[p] ? uq : lo[uq] === lo[q] && hi[uq] === hi[q] ? up : -1;
      if (keep < 0) continue;
      const mine = t * 4 + (keep & 3);
      const same = this.sign[t] === this.sign[u >> 2];
      if (!(same ? this.sum(lo[keep], hi[keep], lo[mine], hi[mine]) : this.sum(lo[keep], hi[keep], hi[mine], lo[mine]))) continue;
      this.kill(t);
      this.setFactor(keep, this.sp, this.sn);
      this.reduceAt(keep);
      return;
    }
  }

  private clear(): void {
    for (let t = 0; t < this.capacity; t++) if (this.alive[t]) this.kill(t);
  }
}
