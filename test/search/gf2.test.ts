import { describe, expect, it } from 'vitest';
import { getBit, GF2Elimination, mulGF2, packBits, setBit, solveGF2, unpackBits, wordsFor } from '../../src/search/gf2.ts';
import { Rng } from '../../src/util/rng.ts';

function randomRows(rng: Rng, m: number, n: number, density = 0.5): Uint32Array[] {
  return Array.from({ length: m }, () => {
    const row = new Uint32Array(wordsFor(n));
    for (let j = 0; j < n; j++) if (rng.float() < density) setBit(row, j);
    return row;
  });
}

function randomVector(rng: Rng, n: number): Uint32Array {
  return packBits(Array.from({ length: n }, () => rng.int(2)));
}

const equal = (x: Uint32Array, y: Uint32Array) => x.length === y.length && x.every((w, i) => w === y[i]);
const isZero = (x: Uint32Array) => x.every((w) => w === 0);

/** Rank by a plain dense elimination on number arrays: an independent check. */
function denseRank(rows: Uint32Array[], n: number): number {
  const M = rows.map((r) => unpackBits(r, n));
  let rank = 0;
  for (let j = 0; j < n && rank < M.length; j++) {
    const p = M.findIndex((row, i) => i >= rank && row[j] === 1);
    if (p < 0) continue;
    [M[rank], M[p]] = [M[p], M[rank]];
    for (let i = 0; i < M.length; i++) if (i !== rank && M[i][j]) M[i] = M[i].map((x, t) => x ^ M[rank][t]);
    rank++;
  }
  return rank;
}

describe('GF(2) elimination', () => {
  it('packs and unpacks bits across word boundaries', () => {
    const bits = Array.from({ length: 70 }, (_, j) => (j % 3 === 0 || j === 69 ? 1 : 0));
    const v = packBits(bits);
    expect(v.length).toBe(3);
    expect(unpackBits(v, 70)).toEqual(bits);
    expect(getBit(v, 69)).toBe(1);
    expect(getBit(v, 68)).toBe(0);
  });

  it('solves random consistent systems, over- and underdetermined', () => {
    const rng = new Rng(5);
    for (const [m, n, density] of [[40, 30, 0.5], [30, 70, 0.5], [100, 64, 0.1], [65, 33, 0.05], [200, 150, 0.02]] as const) {
      const rows = randomRows(rng, m, n, density);
      const x = randomVector(rng, n);
      const b = mulGF2(rows, x);
      const sol = solveGF2(rows, b, n);
      expect(sol).not.toBeNull();
      expect(equal(mulGF2(rows, sol!.x), b)).toBe(true);
      expect(sol!.rank).toBe(denseRank(rows, n));
      expect(sol!.nullspace.length).toBe(n - sol!.rank);
    }
  });

  it('reports inconsistent systems', () => {
    const rng = new Rng(6);
    for (let trial = 0; trial < 20; trial++) {
      const rows = randomRows(rng, 30, 40, 0.3);
      // A row that is the sum of two others, with a right-hand side that breaks the sum.
      const extra = rows[3].map((w, i) => w ^ rows[7][i]);
      rows.push(extra);
      const b = mulGF2(rows, randomVector(rng, 40));
      const bad = Uint32Array.from(b);
      bad[30 >>> 5] ^= 1 << (30 & 31);
      expect(solveGF2(rows, bad, 40)).toBeNull();
      expect(solveGF2(rows, b, 40)).not.toBeNull();
    }
    // 0 = 1 from a zero row.
    expect(solveGF2([new Uint32Array(1)], packBits([1]), 5)).toBeNull();
  });

  it('returns an independent nullspace basis', () => {
    const rng = new Rng(7);
    const n = 50;
    const rows = randomRows(rng, 35, n, 0.2);
    const e = new GF2Elimination(rows, n);
    const basis = e.nullspace();
    expect(basis.length).toBe(n - e.rank);
    for (const v of basis) expect(isZero(mulGF2(rows, v))).toBe(true);
    // Each basis vector has its own free column set and no other free column: independent.
    basis.forEach((v, i) => e.freeCols.forEach((g, t) => expect(getBit(v, g)).toBe(t === i ? 1 : 0)));
  });

  it('honours the column order and the values of the free variables', () => {
    const rng = new Rng(8);
    const n = 40;
    // Rank 20, with the last 20 columns independent (an identity block there).
    const rows = randomRows(rng, 20, n, 0.3);
    rows.forEach((row, i) => { for (let j = 20; j < n; j++) if (getBit(row, j) !== (j - 20 === i ? 1 : 0)) row[j >>> 5] ^= 1 << (j & 31); });
    const order = Array.from({ length: n }, (_, j) => n - 1 - j);
    const e = new GF2Elimination(rows, n, order);
    // The last columns come first in the order, so they are the pivots and the first 20 are free.
    expect([...e.freeCols].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, j) => j));
    const b = mulGF2(rows, randomVector(rng, n));
    for (let t = 0; t < 5; t++) {
      const free = randomVector(rng, n);
      const x = e.solve(b, free)!;
      expect(equal(mulGF2(rows, x), b)).toBe(true);
      for (const g of e.freeCols) expect(getBit(x, g)).toBe(getBit(free, g));
    }
    // Reusing the factorisation for many right-hand sides.
    for (let t = 0; t < 5; t++) {
      const b2 = mulGF2(rows, randomVector(rng, n));
      expect(equal(mulGF2(rows, e.solve(b2)!), b2)).toBe(true);
    }
    expect(() => new GF2Elimination(rows, n, [0, 0, ...order.slice(2)])).toThrow(/permutation/);
  });

  it('handles the empty system and a full-rank square one', () => {
    const none = solveGF2([], new Uint32Array(0), 3)!;
    expect(none.rank).toBe(0);
    expect(none.nullspace.length).toBe(3);
    const I = Array.from({ length: 33 }, (_, i) => { const r = new Uint32Array(2); setBit(r, i); return r; });
    const b = randomVector(new Rng(9), 33);
    const sol = solveGF2(I, b, 33)!;
    expect(equal(sol.x, b)).toBe(true);
    expect(sol.nullspace).toEqual([]);
  });
});
