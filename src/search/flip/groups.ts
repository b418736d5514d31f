/**
 * Factor groups for the flip-graph walk: for each slot (0 = a, 1 = b, 2 = c), the terms that hold
 * the same factor, found through an open-addressing table keyed by the factor's two 32-bit words.
 *
 * Nodes are `t*4 + s` (term t, slot s): the three factors of a term sit next to each other, and
 * term and slot come back with a shift and a mask instead of a division.
 *
 * Members of a group form a doubly linked list kept in increasing node order, so the lists are a
 * function of the factors alone and a checkpoint rebuilds them exactly (group ids and table layout
 * may differ, but no random choice depends on them). The nodes of groups with two or more members
 * ("flippable" nodes) live in an indexed set for O(1) sampling; its order is saved in checkpoints.
 */
export class FactorGroups {
  /** Factor words per node (lo: bits 0..31, hi: bits 32..), zero for dead terms. */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** Group of each node, -1 when the node is not in the table (dead term). */
  readonly group: Int32Array;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** Group pool: key, size, first member (smallest node). */
  readonly gLo: Int32Array;
  readonly gHi: Int32Array;
  readonly gSize: Int32Array;
  readonly gHead: Int32Array;
  private readonly gSlot: Int8Array;
  private readonly freeGroups: Int32Array;
  private nFree: number;
  /** Per-slot hash tables of group ids (-1 = empty), `size[s]` entries from `base[s]`. */
  private readonly tab: Int32Array;
  private readonly base: Int32Array;
  private readonly mask: Int32Array;
  /** Slots whose factors fit in DIRECT_BITS index the table by the factor itself: no collisions. */
  private readonly direct: Uint8Array;
  private readonly shift: Int32Array;
  /** Flippable nodes in sampling order, and each node's position there (-1 if absent). */
  readonly fl: Int32Array;
  readonly flPos: Int32Array;
  flLen = 0;

  /**
   * `direct` false hashes every slot: the signed states key a factor by two bit-planes (lo: +1
   * entries, hi: −1 entries), which a table indexed by lo alone would confuse.
   */
  constructor(readonly capacity: number, bits: readonly [number, number, number], direct = true) {
    const N = capacity * 4;
    this.lo = new Int32Array(N);
    this.hi = new Int32Array(N);
    this.group = new Int32Array(N).fill(-1);
    this.next = new Int32Array(N).fill(-1);
    this.prev = new Int32Array(N).fill(-1);
    const G = capacity * 3 + 3;
    this.gLo = new Int32Array(G);
    this.gHi = new Int32Array(G);
    this.gSize = new Int32Array(G);
    this.gHead = new Int32Array(G).fill(-1);
    this.gSlot = new Int8Array(G);
    this.freeGroups = Int32Array.from({ length: G }, (_, i) => G - 1 - i);
    this.nFree = G;
    this.base = new Int32Array(3);
    this.mask = new Int32Array(3);
    this.shift = new Int32Array(3);
    this.direct = new Uint8Array(3);
    let total = 0;
    for (let s = 0; s < 3; s++) {
      // A hashed table stays at most 1/4 full: capacity terms give at most capacity groups per slot.
      let size = 64;
      while (size < capacity * 4) size *= 2;
      if (direct && bits[s] <= DIRECT_BITS) {
        this.direct[s] = 1;
        size = Math.max(1 << bits[s], 2);
      }
      this.base[s] = total;
      this.mask[s] = size - 1;
      this.shift[s] = 32 - Math.log2(size);
      total += size;
    }
    this.tab = new Int32Array(total).fill(-1);
    this.fl = new Int32Array(N);
    this.flPos = new Int32Array(N).fill(-1);
  }

  /** Home position of a key in slot s's table (relative to base[s]). */
  private home(s: number, lo: number, hi: number): number {
    if (this.direct[s]) return lo;
    return Math.imul(lo ^ Math.imul(hi + 0x7f4a7c15, 0x9e3779b1), 0x85ebca6b) >>> this.shift[s];
  }

  /** Group of slot s holding factor (lo, hi), or -1. */
  find(s: number, lo: number, hi: number): number {
    const tab = this.tab, b = this.base[s], m = this.mask[s];
    for (let p = this.home(s, lo, hi); ; p = (p + 1) & m) {
      const g = tab[b + p];
      if (g < 0 || (this.gLo[g] === lo && this.gHi[g] === hi)) return g;
    }
  }

  /** Put node x (slot x&3) into the group of its current factor words. */
  attach(x: number): void {
    const s = x & 3, lo = this.lo[x], hi = this.hi[x];
    const tab = this.tab, b = this.base[s], m = this.mask[s];
    let p = this.home(s, lo, hi), g = tab[b + p];
    while (g >= 0 && !(this.gLo[g] === lo && this.gHi[g] === hi)) {
      p = (p + 1) & m;
      g = tab[b + p];
    }
    if (g < 0) {
      g = this.freeGroups[--this.nFree];
      tab[b + p] = g;
      this.gLo[g] = lo;
      this.gHi[g] = hi;
      this.gSlot[g] = s;
      this.gSize[g] = 1;
      this.gHead[g] = x;
      this.next[x] = this.prev[x] = -1;
      this.group[x] = g;
      return;
    }
    this.linkSorted(g, x);
    this.group[x] = g;
    const k = ++this.gSize[g];
    if (k === 2) this.flAdd(x === this.gHead[g] ? this.next[x] : this.gHead[g]);
    this.flAdd(x);
  }

  /** Take node x out of its group (its factor words must still be the group's key). */
  detach(x: number): void {
    const g = this.group[x];
    const nx = this.next[x], pv = this.prev[x];
    if (pv >= 0) this.next[pv] = nx;
    else this.gHead[g] = nx;
    if (nx >= 0) this.prev[nx] = pv;
    this.group[x] = -1;
    const k = --this.gSize[g];
    if (k === 0) {
      this.dropGroup(g);
      return;
    }
    this.flRemove(x);
    if (k === 1) this.flRemove(this.gHead[g]);
  }

  /** Insert x into g's member list, keeping node order. */
  private linkSorted(g: number, x: number): void {
    let y = this.gHead[g], before = -1;
    while (y >= 0 && y < x) {
      before = y;
      y = this.next[y];
    }
    this.prev[x] = before;
    this.next[x] = y;
    if (before >= 0) this.next[before] = x;
    else this.gHead[g] = x;
    if (y >= 0) this.prev[y] = x;
  }

  /** Remove an empty group from its table: backward-shift deletion keeps probe chains intact. */
  private dropGroup(g: number): void {
    this.freeGroups[this.nFree++] = g;
    const s = this.gSlot[g], tab = this.tab, b = this.base[s], m = this.mask[s];
    let i = this.home(s, this.gLo[g], this.gHi[g]);
    while (tab[b + i] !== g) i = (i + 1) & m;
    if (this.direct[s]) {
      tab[b + i] = -1;
      return;
    }
    for (let j = (i + 1) & m; ; j = (j + 1) & m) {
      const h = tab[b + j];
      if (h < 0) break;
      const k = this.home(s, this.gLo[h], this.gHi[h]);
      // Move h back to the hole at i unless its home lies cyclically in (i, j].
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (!stays) {
        tab[b + i] = h;
        i = j;
      }
    }
    tab[b + i] = -1;
  }

  private flAdd(x: number): void {
    if (this.flPos[x] >= 0) return;
    this.flPos[x] = this.flLen;
    this.fl[this.flLen++] = x;
  }

  private flRemove(x: number): void {
    const p = this.flPos[x];
    if (p < 0) return;
    const last = this.fl[--this.flLen];
    this.fl[p] = last;
    this.flPos[last] = p;
    this.flPos[x] = -1;
  }

  /** Reorder the flippable set as given (a permutation of the current one), for checkpoints. */
  setFlippableOrder(order: readonly number[]): void {
    if (order.length !== this.flLen) throw new Error(`checkpoint lists ${order.length} flippable nodes, the scheme has ${this.flLen}`);
    for (const x of order) if (this.flPos[x] < 0) throw new Error(`checkpoint node ${x} is not flippable`);
    order.forEach((x, i) => {
      this.fl[i] = x;
      this.flPos[x] = i;
    });
  }
}

/**
 * Slots of at most this many bits (<4,4,4> has 16) use a collision-free direct table of 2^bits
 * entries (256 KiB at 16 bits); wider ones hash.
 */
export const DIRECT_BITS = 16;
