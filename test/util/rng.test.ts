import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/rng.ts';

describe('Rng', () => {
  it('repeats from a seed and from a saved state', () => {
    const a = new Rng(42), b = new Rng(42);
    const xs = Array.from({ length: 100 }, () => a.nextU32());
    expect(Array.from({ length: 100 }, () => b.nextU32())).toEqual(xs);
    const saved = a.state();
    const next = Array.from({ length: 10 }, () => a.int(1000));
    const c = Rng.fromState(saved);
    expect(Array.from({ length: 10 }, () => c.int(1000))).toEqual(next);
    expect(new Rng(43).nextU32()).not.toBe(new Rng(42).nextU32());
  });
  it('is roughly uniform', () => {
    const r = new Rng(7);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100000; i++) counts[r.int(10)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500);
    let s = 0, s2 = 0;
    for (let i = 0; i < 20000; i++) { const x = r.normal(); s += x; s2 += x * x; }
    expect(Math.abs(s / 20000)).toBeLessThan(0.05);
    expect(Math.abs(s2 / 20000 - 1)).toBeLessThan(0.05);
  });
});
