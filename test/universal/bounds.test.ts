import { describe, expect, it } from 'vitest';
import { matmulTensor } from '../../src/tensor/index.ts';
import { lowerBound } from '../../src/universal/bounds.ts';
import { universalSearch } from '../../src/universal/multistart.ts';
import { certifiedError } from '../../src/universal/isotropic.ts';

describe('lower bounds', () => {
  it('the flattening of <t,t,t> has t² orthogonal rows of norm √t (the premise of the bound)', () => {
    for (const t of [2, 3]) {
      const T = matmulTensor(t, t, t);
      const rows = new Map<number, Set<number>>();
      for (const e of T.entries) {
        expect(Number(e.v.n)).toBe(1);
        if (!rows.has(e.i)) rows.set(e.i, new Set());
        rows.get(e.i)!.add(e.j * T.dims[2] + e.k);
      }
      expect(rows.size).toBe(t * t);
      const all = [...rows.values()];
      for (const x of all) expect(x.size).toBe(t);
      // 0/1 rows with disjoint supports are orthogonal.
      expect(new Set(all.flatMap((x) => [...x])).size).toBe(t * t * t);
    }
  });

  it('values: flattening for r < t², spectral for r = 1, none beyond', () => {
    expect(lowerBound(4, 8)!.value.toFraction()).toBe('1/2');
    expect(lowerBound(4, 1)!.value.toFraction()).toBe('63/64');
    expect(lowerBound(4, 16)).toBeNull();
  });

  it('holds for what the search finds (t = 2, 3), and r = 1 meets the spectral bound', () => {
    for (const [t, r] of [[2, 1], [2, 2], [2, 3], [3, 4], [3, 8]]) {
      const res = universalSearch({ t, r, seed: 2, restarts: 2, maxSweeps: 400, families: ['random', 'naive', 'embedded', 'truncation'] });
      const e = certifiedError(res.best.scheme).value;
      expect(e).toBeGreaterThanOrEqual(lowerBound(t, r)!.value.valueOf() - 1e-12);
      if (r === 1) expect(e).toBeCloseTo(1 - 1 / t ** 3, 10);
    }
  });
});
