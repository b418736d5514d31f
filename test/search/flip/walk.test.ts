import { describe, expect, it } from 'vitest';
import { laderman } from '../../../src/library/builtin.ts';
import { FlipState } from '../../../src/search/flip/state.ts';
import { FlipWalker, flipSearch, type FlipSnapshot } from '../../../src/search/flip/walk.ts';
import { verifyScheme } from '../../../src/verify/index.ts';
import type { Scheme } from '../../../src/scheme/index.ts';
import { invariantProblems } from './helpers.ts';

const exact = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

/** Small limits so that a short walk does plus transitions, returns and restarts. */
const busy = { plateau: 300, maxUp: 2, plusFlips: 10, restartFlips: 20_000, targetRank: 0 };

/** Rank and best rank after each chunk of flips. */
function trace(w: FlipWalker, chunks: number, size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < chunks; i++) {
    w.run(size);
    out.push([w.flips, w.rank, w.bestRank]);
  }
  return out;
}

describe('FlipWalker', () => {
  it('is a function of its seed', () => {
    const a = new FlipWalker(FlipState.naive([3, 3, 3]), 11, busy);
    const b = new FlipWalker(FlipState.naive([3, 3, 3]), 11, busy);
    const ta = trace(a, 40, 2500);
    expect(trace(b, 40, 2500)).toEqual(ta);
    expect(b.state.terms()).toEqual(a.state.terms());
    expect(b.counters).toEqual(a.counters);
    expect(a.counters.plusTransitions).toBeGreaterThan(0);
    expect(a.counters.restarts).toBeGreaterThan(0);
    const c = new FlipWalker(FlipState.naive([3, 3, 3]), 12, busy);
    expect(trace(c, 40, 2500)).not.toEqual(ta);
  });

  it('run(a) then run(b) is run(a + b)', () => {
    const a = new FlipWalker(FlipState.naive([3, 3, 3]), 4, busy);
    const b = new FlipWalker(FlipState.naive([3, 3, 3]), 4, busy);
    a.run(30_000);
    a.run(70_000);
    b.run(100_000);
    expect(b.state.snapshot()).toEqual(a.state.snapshot());
    expect(b.counters).toEqual(a.counters);
  });

  it('continues from a JSON snapshot exactly as the uninterrupted walk', () => {
    for (const format of [[3, 3, 3], [4, 4, 4]] as [number, number, number][]) {
      const uninterrupted = new FlipWalker(FlipState.naive(format), 77, busy);
      uninterrupted.run(120_000);
      const w = new FlipWalker(FlipState.naive(format), 77, busy);
      w.run(50_000);
      const snap: FlipSnapshot = JSON.parse(JSON.stringify(w.snapshot()));
      const resumed = FlipWalker.restore(snap);
      expect(invariantProblems(resumed.state as FlipState)).toEqual([]);
      w.run(70_000);
      resumed.run(70_000);
      for (const other of [w, uninterrupted]) {
        expect(resumed.state.snapshot()).toEqual(other.state.snapshot());
        expect(resumed.counters).toEqual(other.counters);
        expect(resumed.rng.state()).toEqual(other.rng.state());
        expect(resumed.bestTerms).toEqual(other.bestTerms);
      }
      expect(w.counters.plusTransitions).toBeGreaterThan(0);
    }
  });

  it('keeps the best scheme it has seen, and it verifies', () => {
    const w = new FlipWalker(FlipState.naive([3, 3, 3]), 8, busy);
    w.run(50_000);
    expect(w.bestRank).toBeLessThanOrEqual(w.rank);
    expect(w.bestTerms.length).toBe(w.bestRank);
    expect(exact(w.bestScheme())).toBe(true);
  });
});

describe('flipSearch', () => {
  it('reaches <2,2,2>:7 from the naive algorithm', () => {
    const r = flipSearch({ format: [2, 2, 2], targetRank: 7, seed: 1, maxFlips: 100_000 });
    expect(r.bestRank).toBe(7);
    expect(r.scheme).not.toBeNull();
    expect(r.scheme!.U.length).toBe(7);
    expect(exact(r.scheme!)).toBe(true);
  });

  it('reaches <3,3,3>:23 from the naive algorithm', () => {
    const seen: number[] = [];
    const r = flipSearch({ format: [3, 3, 3], targetRank: 23, seed: 1, maxFlips: 2_000_000, progressFlips: 10_000, onProgress: (p) => seen.push(p.bestRank) });
    expect(r.bestRank).toBe(23);
    expect(r.flips).toBeLessThan(2_000_000);
    expect(exact(r.scheme!)).toBe(true);
    expect(seen.at(-1)).toBe(23);
    // Same seed, same walk.
    expect(flipSearch({ format: [3, 3, 3], targetRank: 23, seed: 1, maxFlips: 2_000_000 }).flips).toBe(r.flips);
  });

  it('starts from a given scheme (over Q, reduced mod 2) and reports failure as null', () => {
    const r = flipSearch({ format: [3, 3, 3], start: laderman(), targetRank: 22, seed: 3, maxFlips: 20_000 });
    expect(r.scheme).toBeNull();
    expect(r.bestRank).toBe(23);
    expect(exact(r.best)).toBe(true);
    expect(() => flipSearch({ format: [2, 2, 2], start: laderman(), targetRank: 7, seed: 1, maxFlips: 10 })).toThrow(/<3,3,3>/);
  });
});
