import { describe, expect, it } from 'vitest';
import { verifyScheme } from '../../../src/verify/index.ts';
import { schemeToJson } from '../../../src/formats/json.ts';
import { alsSearch } from '../../../src/search/als/search.ts';

describe('alsSearch', () => {
  it('finds an exact <2,2,2>:7 from seed 1', () => {
    const r = alsSearch({ format: [2, 2, 2], rank: 7, seed: 1, restarts: 5 });
    expect(r.scheme).not.toBeNull();
    const rep = verifyScheme(r.scheme!);
    expect(rep.kind === 'exact' && rep.exact).toBe(true);
    expect(r.scheme!.U.length).toBe(7);
    expect(r.best.residual).toBeLessThan(1e-20);
    expect(r.best.scheme.fieldTag).toBe('R');
    expect(r.restarts).toBeGreaterThanOrEqual(1);
  });

  it('finds it with the Levenberg–Marquardt descent too, and over Z when asked', () => {
    const r = alsSearch({ format: [2, 2, 2], rank: 7, seed: 1, restarts: 5, method: 'lm', integerOnly: true });
    const rep = verifyScheme(r.scheme!);
    expect(rep.kind === 'exact' && rep.exact).toBe(true);
    expect(r.scheme!.fieldTag).toBe('Z');
  });

  it('finds an exact <2,2,3>:11', () => {
    const r = alsSearch({ format: [2, 2, 3], rank: 11, seed: 1, restarts: 5 });
    const rep = verifyScheme(r.scheme!);
    expect(rep.kind === 'exact' && rep.exact).toBe(true);
  });

  it('is deterministic per seed', () => {
    const a = alsSearch({ format: [2, 2, 2], rank: 7, seed: 7, restarts: 3 });
    const b = alsSearch({ format: [2, 2, 2], rank: 7, seed: 7, restarts: 3 });
    const c = alsSearch({ format: [2, 2, 2], rank: 7, seed: 8, restarts: 3 });
    expect(schemeToJson(a.scheme!)).toBe(schemeToJson(b.scheme!));
    expect(a.restarts).toBe(b.restarts);
    expect(a.best.residual).toBe(b.best.residual);
    expect(a.best.residual).not.toBe(c.best.residual);
  });

  it('reports the best float scheme when nothing rounds', () => {
    const seen: number[] = [];
    const r = alsSearch({ format: [2, 2, 2], rank: 6, seed: 1, restarts: 2, onProgress: (q) => seen.push(q.restarts) });
    expect(r.scheme).toBeNull();
    expect(r.restarts).toBe(2);
    expect(seen).toEqual([1, 2]);
    expect(r.best.residual).toBeGreaterThan(0.1);
    const rep = verifyScheme(r.best.scheme);
    expect(rep.kind).toBe('float');
    if (rep.kind === 'float') expect(rep.residualSq).toBeCloseTo(r.best.residual, 9);
  });
});
