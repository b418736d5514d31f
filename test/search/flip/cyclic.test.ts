import { describe, expect, it } from 'vitest';
import { laderman, strassen } from '../../../src/library/builtin.ts';
import type { Scheme } from '../../../src/scheme/index.ts';
import { CyclicWalker, cyclicSearch, type CyclicSnapshot } from '../../../src/search/flip/cyclic.ts';
import { cyclicInvariance } from '../../../src/search/flip/cyclic-check.ts';
import { CyclicState, transposeBits } from '../../../src/search/flip/cyclic-state.ts';
import { Rng } from '../../../src/util/rng.ts';
import { verifyScheme } from '../../../src/verify/index.ts';
import { tensorOf } from './helpers.ts';

const exact = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};
/** The trace-form tensor Σ E_ij ⊗ E_jk ⊗ E_ki over Z2, as tensorOf's cell list. */
const target = (n: number) => tensorOf(CyclicState.naive(n).traceTerms());

/**
 * The state's own bookkeeping agrees with its factors, and it is reduced: no zero factor, no
 * orbit of shape (a, a, a), no two orbits with aligned reps sharing two factors, no repeated fixed
 * term, no orbit with two factors d while d⊗d⊗d is fixed. Returns the problems found.
 */
function problems(st: CyclicState): string[] {
  const bad: string[] = [], g = st.g, reps: [number, number[]][] = [];
  for (let o = 0; o < st.capacity; o++) if (st.alive[o]) reps.push([o, st.rep(o)]);
  if (reps.length !== st.orbits) bad.push(`${st.orbits} orbits counted, ${reps.length} alive`);
  for (const [o, x] of reps) {
    for (let s = 0; s < 3; s++) {
      const nd = (o * 3 + s) << 2, grp = g.group[nd];
      if (grp < 0 || g.gLo[grp] !== x[s]) bad.push(`node ${nd} is not in the group of its factor`);
    }
    if (x.includes(0)) bad.push(`orbit ${o} has a zero factor`);
    if (x[0] === x[1] && x[1] === x[2]) bad.push(`orbit ${o} is fixed-shaped`);
    for (const d of st.fixed) if ([0, 1, 2].filter((s) => x[s] === d).length >= 2) bad.push(`orbit ${o} can absorb fixed ${d}`);
  }
  for (let i = 0; i < reps.length; i++) for (let j = i + 1; j < reps.length; j++) {
    const x = reps[i][1], y = reps[j][1];
    for (let k = 0; k < 3; k++) {
      const same = [0, 1, 2].filter((s) => x[s] === y[(s + k) % 3]).length;
      if (same >= 2) bad.push(`orbits ${reps[i][0]} and ${reps[j][0]} share ${same} factors`);
    }
  }
  if (new Set(st.fixed).size !== st.fixed.length) bad.push('a fixed term is repeated');
  return bad;
}

describe('CyclicState', () => {
  it('starts from the naive algorithm as orbits plus the fixed (E_ii)^⊗3, and expands to a verified invariant scheme', () => {
    for (const [n, orbits, fixed] of [[2, 2, 2], [3, 8, 3], [4, 20, 4]]) {
      const st = CyclicState.naive(n);
      expect([st.orbits, st.fixed.length, st.rank]).toEqual([orbits, fixed, n ** 3]);
      const s = st.toScheme();
      expect(exact(s)).toBe(true);
      expect(cyclicInvariance(s)).toEqual({ invariant: true, orbits, fixed });
    }
    expect(() => new CyclicState(6, 10)).toThrow(/n² ≤ 26/);
  });

  it('flip: (a, y1, z1) + (a, y2, z2) → (a, y1 + y2, z1) + (a, y2, z1 + z2) on x and the aligned rotation of y', () => {
    // y = (8, 3, 1): its slot 2 equals x's slot 0, so x = (1, 2, 4) meets τ²y = (1, 8, 3) and
    // becomes (1, 2 + 8, 4), while τ²y becomes (1, 8, 4 + 3) = τ²(8, 7, 1).
    const st = CyclicState.fromParts(2, [[1, 2, 4], [8, 3, 1]], [], { reduce: false });
    const before = tensorOf(st.traceTerms());
    st.flip(0, 0, 1, 2, false);
    expect(st.reps()).toEqual([[1, 10, 4], [8, 7, 1]]);
    expect(tensorOf(st.traceTerms())).toEqual(before);
  });

  it('reductions: merge (−3), collapse into a fixed term (−2), cancellation (−2), absorption (−1), zero orbits', () => {
    const cases: [string, number[][], number[], number][] = [
      // τ²(3, 7, 1) = (1, 3, 7) shares slots 0 and 1 with (1, 3, 5): one orbit (1, 3, 5 + 7).
      ['merge', [[1, 3, 5], [3, 7, 1]], [], 3],
      ['merge to zero', [[1, 3, 5], [3, 5, 1]], [], 0],
      ['collapse', [[6, 6, 6], [1, 2, 4]], [], 4],
      ['collapse and cancel', [[6, 6, 6], [1, 2, 4]], [6], 3],
      ['absorb', [[5, 5, 9]], [5], 3],
      ['zero factor', [[0, 3, 5]], [2], 1],
    ];
    for (const [name, reps, fixed, rank] of cases) {
      const raw = CyclicState.fromParts(4, reps, fixed, { reduce: false });
      const st = CyclicState.fromParts(4, reps, fixed);
      expect(st.rank, name).toBe(rank);
      expect(tensorOf(st.traceTerms()), name).toEqual(tensorOf(raw.traceTerms()));
      expect(problems(st), name).toEqual([]);
    }
    const absorbed = CyclicState.fromParts(4, [[5, 5, 9]], [5]);
    expect([absorbed.reps(), absorbed.fixed]).toEqual([[[5, 5, 9 ^ 5]], []]);
    // The same when the orbit is the one that changes (reduceAt rather than addFixed).
    const lazy = CyclicState.fromParts(4, [[5, 9, 5]], [5, 3], { reduce: false });
    lazy.reduceAll();
    expect([lazy.reps(), lazy.fixed]).toEqual([[[5, 9 ^ 5, 5]], [3]]);
  });

  it('keeps the tensor and the symmetry through thousands of random flips and transitions', () => {
    let plus = 0, opened = 0;
    for (const n of [2, 3, 4]) {
      const st = CyclicState.naive(n, 64), rng = new Rng(40 + n), T = target(n);
      for (let i = 1; i <= 6000; i++) {
        st.randomFlip(rng);
        const ids = Array.from(st.alive.keys()).filter((o) => st.alive[o]);
        const any = () => ids[rng.int(ids.length)];
        if (i % 40 === 0 && st.orbits >= 2 && st.plus(any(), rng.int(3), any(), rng.int(3), rng.int(2) as 0 | 1)) plus++;
        if (i % 60 === 0 && st.fixed.length) {
          const d = st.fixed[0], grp = st.g.find(0, d, 0);
          if (grp >= 0) {
            const y = st.g.gHead[grp] >> 2;
            if (st.fixedFlip(0, (y / 3) | 0, y % 3, rng.int(2) as 0 | 1)) opened++;
          }
        }
        if (i % 500 === 0) {
          expect(tensorOf(st.traceTerms())).toEqual(T);
          expect(problems(st)).toEqual([]);
        }
      }
      const s = st.toScheme();
      expect(exact(s)).toBe(true);
      expect(cyclicInvariance(s)).toEqual({ invariant: true, orbits: st.orbits, fixed: st.fixed.length });
    }
    expect(plus).toBeGreaterThan(100);
    expect(opened).toBeGreaterThan(10);
  });

  it('starts from chosen fixed terms: T + Σ d⊗d⊗d in the elementary basis, plus the d themselves', () => {
    const identity = 1 | 16 | 256, rankOne = 7; // I, and the first row all ones
    const st = CyclicState.withFixed(3, [identity, rankOne]);
    expect(tensorOf(st.traceTerms())).toEqual(target(3));
    expect(problems(st)).toEqual([]);
    expect(exact(st.toScheme())).toBe(true);
  });

  it('transposes the third factor back to C as written', () => {
    expect(transposeBits(0b000000010, 3)).toBe(0b000001000); // [0][1] → [1][0]
    expect(transposeBits(transposeBits(0b101100111, 3), 3)).toBe(0b101100111);
  });
});

describe('CyclicWalker', () => {
  const busy = { plateau: 40, maxUp: 9, restartFlips: 20_000, targetRank: 0 };

  it('continues from a JSON snapshot exactly as the uninterrupted walk, and is a function of its seed', () => {
    const uninterrupted = new CyclicWalker(CyclicState.naive(3), 9, busy);
    uninterrupted.run(150_000);
    const w = new CyclicWalker(CyclicState.naive(3), 9, busy);
    w.run(60_000);
    const snap: CyclicSnapshot = JSON.parse(JSON.stringify(w.snapshot()));
    const resumed = CyclicWalker.restore(snap);
    expect(problems(resumed.state)).toEqual([]);
    w.run(90_000);
    resumed.run(90_000);
    for (const other of [w, uninterrupted]) {
      expect(resumed.state.snapshot()).toEqual(other.state.snapshot());
      expect(resumed.counters).toEqual(other.counters);
      expect(resumed.rng.state()).toEqual(other.rng.state());
    }
    expect(w.counters.plusTransitions).toBeGreaterThan(0);
    expect(w.counters.fixedFlips).toBeGreaterThan(0);
    expect(w.counters.restarts).toBeGreaterThan(0);
    const other = new CyclicWalker(CyclicState.naive(3), 10, busy);
    other.run(150_000);
    expect(other.state.snapshot()).not.toEqual(uninterrupted.state.snapshot());
    expect(() => CyclicWalker.restore({ ...snap, kind: 'x' } as unknown as CyclicSnapshot)).toThrow(/snapshot/);
  });

  it('reaches a verified invariant <2,2,2>:7 (2 orbits + 1 fixed, like Strassen) and <3,3,3>:23 within seconds', () => {
    const r7 = cyclicSearch({ n: 2, targetRank: 7, seed: 1, timeLimitMs: 10_000 });
    expect(r7.scheme).not.toBeNull();
    expect(exact(r7.scheme!)).toBe(true);
    expect(cyclicInvariance(r7.scheme!)).toEqual({ invariant: true, orbits: 2, fixed: 1 });
    for (const seed of [1, 2, 3]) {
      const r = cyclicSearch({ n: 3, targetRank: 23, seed, timeLimitMs: 15_000 });
      expect(r.scheme, `seed ${seed}`).not.toBeNull();
      expect(r.scheme!.U.length).toBeLessThanOrEqual(23);
      expect(exact(r.scheme!)).toBe(true);
      const inv = cyclicInvariance(r.scheme!);
      expect(inv.invariant).toBe(true);
      expect(3 * inv.orbits + inv.fixed).toBe(r.scheme!.U.length);
      expect([inv.orbits, inv.fixed]).toEqual([r.best.orbits, r.best.fixed.length]);
    }
  }, 40_000);
});

describe('cyclicInvariance', () => {
  it('tells invariant schemes from others, up to the scaling of terms', () => {
    expect(cyclicInvariance(laderman()).invariant).toBe(false);
    const s = cyclicSearch({ n: 2, targetRank: 7, seed: 2, timeLimitMs: 10_000 }).scheme!;
    expect(cyclicInvariance(s).invariant).toBe(true);
    expect(cyclicInvariance({ ...s, U: s.U.slice(1), V: s.V.slice(1), W: s.W.slice(1) }).invariant).toBe(false);
    // Strassen over Q is invariant once terms are compared up to scaling (its M1 is the fixed term).
    const st = strassen();
    expect(cyclicInvariance(st)).toEqual({ invariant: true, orbits: 2, fixed: 1 });
    const F = st.field, W = st.W.map((w) => [...w]);
    W[1][W[1].findIndex((x) => F.isZero(x))] = F.one;
    expect(cyclicInvariance({ ...st, W }).invariant).toBe(false);
  });
});
