/**
 * Linear algebra over GF(2) on bit-packed rows (bit j of a vector is word j>>>5, bit j&31).
 *
 * The elimination is kept as a reusable factorisation: Hensel lifting solves J·x = b for the same
 * J (the Jacobian mod 2 never changes) with a new right-hand side at every step, so the row
 * operations are recorded once and replayed on each b in O(rank · rows/32) word operations.
 */

export const wordsFor = (nBits: number): number => (nBits + 31) >>> 5;

export function getBit(v: Uint32Array, j: number): number {
  return (v[j >>> 5] >>> (j & 31)) & 1;
}

export function setBit(v: Uint32Array, j: number, bit = 1): void {
  if (bit) v[j >>> 5] |= 1 << (j & 31);
  else v[j >>> 5] &= ~(1 << (j & 31));
}

export function flipBit(v: Uint32Array, j: number): void {
  v[j >>> 5] ^= 1 << (j & 31);
}

/** Bit vector from 0/1 values (or booleans). */
export function packBits(bits: ArrayLike<number | boolean>): Uint32Array {
  const v = new Uint32Array(wordsFor(bits.length));
  for (let j = 0; j < bits.length; j++) if (bits[j]) setBit(v, j);
  return v;
}

export function unpackBits(v: Uint32Array, nBits: number): number[] {
  return Array.from({ length: nBits }, (_, j) => getBit(v, j));
}

/**
 * Reduced row-echelon factorisation P·A = R of a rows × nCols matrix over GF(2), with the row
 * operations recorded so that solve() can replay them on any right-hand side.
 */
export class GF2Elimination {
  readonly nRows: number;
  readonly nCols: number;
  /** pivotCols[i] is the column eliminated by pivot i, pivotRows[i] the row that holds it. */
  readonly pivotCols: number[] = [];
  readonly pivotRows: number[] = [];
  readonly freeCols: number[] = [];
  private readonly cw: number;
  private readonly rw: number;
  /** R with its columns permuted into elimination order (so echelon form is contiguous), row-major. */
  private readonly R: Uint32Array;
  /** Original column of each permuted column, and the permuted position of each original one. */
  private readonly colAt: Int32Array;
  private readonly pos: Int32Array;
  /** 1 for the permuted positions of free columns. */
  private readonly freeAt: Uint8Array;
  private readonly isPivotRow: Uint8Array;
  /** Replayed in order: rows[] += row `from` (as a list of row indices or a bit mask over rows). */
  private readonly ops: { from: number; rows: Int32Array | Uint32Array }[] = [];

  /**
   * `order` is the column preference: earlier columns become pivots (determined by the
   * right-hand side), later ones are left free. The input rows are not modified.
   */
  constructor(rows: readonly Uint32Array[], nCols: number, order?: ArrayLike<number>) {
    const m = rows.length, cw = wordsFor(nCols), rw = wordsFor(m);
    this.nRows = m;
    this.nCols = nCols;
    this.cw = cw;
    this.rw = rw;
    const colAt = new Int32Array(nCols), pos = new Int32Array(nCols).fill(-1);
    if (order && order.length !== nCols) throw new Error(`the elimination order has ${order.length} columns, expected ${nCols}`);
    for (let t = 0; t < nCols; t++) {
      const j = order ? order[t] : t;
      if (!(j >= 0 && j < nCols) || pos[j] >= 0) throw new Error(`the elimination order is not a permutation of 0..${nCols - 1}`);
      pos[j] = t;
      colAt[t] = j;
    }
    this.colAt = colAt;
    this.pos = pos;
    const R = new Uint32Array(m * cw);
    rows.forEach((row, i) => {
      for (let w = 0; w < cw; w++) {
        let x = row[w];
        while (x) {
          const low = x & -x;
          const q = pos[w * 32 + 31 - Math.clz32(low)];
          R[i * cw + (q >>> 5)] |= 1 << (q & 31);
          x ^= low;
        }
      }
    });
    this.R = R;
    // Forward elimination over the rows not yet used as pivots: a pivot row has no bits left of
    // its pivot column, so only the words from there on change.
    const active = Int32Array.from({ length: m }, (_, i) => i);
    let nActive = m;
    const hit = new Int32Array(m);
    // Active rows have no bits left of the current column, so this is their exact popcount.
    const weight = new Int32Array(m);
    for (let i = 0; i < m; i++) for (let x = 0; x < cw; x++) weight[i] += popcount(R[i * cw + x]);
    for (let q = 0; q < nCols && nActive > 0; q++) {
      const w = q >>> 5, bit = 1 << (q & 31);
      // The lightest candidate as pivot: it is added into every other candidate, so fill-in
      // (the cost of everything after) grows with its weight.
      let at = -1;
      for (let t = 0; t < nActive; t++) if (R[active[t] * cw + w] & bit && (at < 0 || weight[active[t]] < weight[active[at]])) at = t;
      if (at < 0) { this.freeCols.push(colAt[q]); continue; }
      const p = active[at];
      active[at] = active[--nActive];
      const po = p * cw;
      let nh = 0;
      for (let t = 0; t < nActive; t++) {
        const io = active[t] * cw;
        if (!(R[io + w] & bit)) continue;
        let wt = 0;
        for (let x = w; x < cw; x++) wt += popcount((R[io + x] ^= R[po + x]));
        weight[active[t]] = wt;
        hit[nh++] = active[t];
      }
      this.record(p, hit, nh);
      this.pivotCols.push(q);
      this.pivotRows.push(p);
    }
    for (let q = this.pivotCols.length + this.freeCols.length; q < nCols; q++) this.freeCols.push(colAt[q]);
    // Back substitution makes R reduced: each pivot column is cleared from the earlier pivot rows.
    for (let i = this.pivotCols.length - 1; i > 0; i--) {
      const q = this.pivotCols[i], w = q >>> 5, bit = 1 << (q & 31), po = this.pivotRows[i] * cw;
      let nh = 0;
      for (let t = 0; t < i; t++) {
        const io = this.pivotRows[t] * cw;
        if (!(R[io + w] & bit)) continue;
        for (let x = w; x < cw; x++) R[io + x] ^= R[po + x];
        hit[nh++] = this.pivotRows[t];
      }
      this.record(this.pivotRows[i], hit, nh);
    }
    this.freeAt = new Uint8Array(nCols).fill(1);
    for (const q of this.pivotCols) this.freeAt[q] = 0;
    this.isPivotRow = new Uint8Array(m);
    for (const p of this.pivotRows) this.isPivotRow[p] = 1;
    for (let i = 0; i < this.pivotCols.length; i++) this.pivotCols[i] = colAt[this.pivotCols[i]];
  }

  private record(from: number, hit: Int32Array, nh: number): void {
    if (nh === 0) return;
    if (nh < this.rw) { this.ops.push({ from, rows: hit.slice(0, nh) }); return; }
    const mask = new Uint32Array(this.rw);
    for (let t = 0; t < nh; t++) mask[hit[t] >>> 5] |= 1 << (hit[t] & 31);
    this.ops.push({ from, rows: mask });
  }

  get rank(): number {
    return this.pivotCols.length;
  }

  /**
   * A solution of A·x = rhs with the free variables set to `free` (a bit vector over all columns,
   * read only at free columns; zeros if absent), or null when the system is inconsistent.
   */
  solve(rhs: Uint32Array, free?: Uint32Array): Uint32Array | null {
    const b = new Uint32Array(this.rw);
    b.set(rhs.subarray(0, this.rw));
    for (const { from, rows } of this.ops) {
      if (!getBit(b, from)) continue;
      if (rows instanceof Int32Array) for (let t = 0; t < rows.length; t++) b[rows[t] >>> 5] ^= 1 << (rows[t] & 31);
      else for (let x = 0; x < this.rw; x++) b[x] ^= rows[x];
    }
    for (let i = 0; i < this.nRows; i++) if (!this.isPivotRow[i] && getBit(b, i)) return null;
    const x = new Uint32Array(this.cw);
    // Free values in permuted column positions, to meet R's layout.
    let f: Uint32Array | null = null;
    if (free) {
      f = new Uint32Array(this.cw);
      for (let q = 0; q < this.nCols; q++) if (this.freeAt[q] && getBit(free, this.colAt[q])) { setBit(f, q); setBit(x, this.colAt[q]); }
    }
    for (let i = 0; i < this.pivotCols.length; i++) {
      let bit = getBit(b, this.pivotRows[i]);
      if (f) bit ^= parity(this.R, this.pivotRows[i] * this.cw, f, this.cw);
      if (bit) setBit(x, this.pivotCols[i]);
    }
    return x;
  }

  /** A basis of {x : A·x = 0}, one vector per free column. */
  nullspace(): Uint32Array[] {
    return this.freeCols.map((g) => {
      const v = new Uint32Array(this.cw);
      setBit(v, g);
      const q = this.pos[g], w = q >>> 5, bit = 1 << (q & 31);
      for (let i = 0; i < this.pivotCols.length; i++) if (this.R[this.pivotRows[i] * this.cw + w] & bit) setBit(v, this.pivotCols[i]);
      return v;
    });
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Parity of popcount(R[off .. off+n) AND f). */
function parity(R: Uint32Array, off: number, f: Uint32Array, n: number): number {
  let acc = 0;
  for (let x = 0; x < n; x++) acc ^= R[off + x] & f[x];
  acc ^= acc >>> 16;
  acc ^= acc >>> 8;
  acc ^= acc >>> 4;
  acc ^= acc >>> 2;
  acc ^= acc >>> 1;
  return acc & 1;
}

/** A·x over GF(2) for bit-packed rows: bit i of the result is <row i, x>. */
export function mulGF2(rows: readonly Uint32Array[], x: Uint32Array): Uint32Array {
  const out = new Uint32Array(wordsFor(rows.length));
  rows.forEach((row, i) => {
    if (parity(row, 0, x, Math.min(row.length, x.length))) setBit(out, i);
  });
  return out;
}

/**
 * Solve A·x = rhs over GF(2) (A given by bit-packed rows with nUnknowns columns): a particular
 * solution (free variables 0) and a basis of the nullspace, or null when inconsistent.
 */
export function solveGF2(rows: readonly Uint32Array[], rhs: Uint32Array, nUnknowns: number): { x: Uint32Array; nullspace: Uint32Array[]; rank: number } | null {
  const e = new GF2Elimination(rows, nUnknowns);
  const x = e.solve(rhs);
  return x ? { x, nullspace: e.nullspace(), rank: e.rank } : null;
}
