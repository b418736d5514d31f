import { describe, expect, it } from 'vitest';
import { Fraction } from '../../src/field/index.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { changeBasis, type Scheme } from '../../src/scheme/index.ts';
import { ternarize } from '../../src/search/ternarize.ts';
import { verifyScheme } from '../../src/verify/index.ts';

const F = (rows: number[][]) => rows.map((r) => r.map((x) => new Fraction(x)));
const entries = (s: Scheme<unknown>) => [s.U, s.V, s.W].flatMap((M) => M.flatMap((row) => row.map((x) => s.field.toString(x))));
const exact = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

describe('ternarize', () => {
  it('brings a unimodular basis change of Strassen with entries ±2 back to coefficients in {-1,0,1}', () => {
    const strassen = builtinScheme('strassen') as Scheme<Fraction>;
    // P = [[1,2],[0,1]] (and Q, R alike): integral, determinant 1, so the result is exact over Z.
    const M = F([[1, 2], [0, 1]]), N = F([[1, 0], [-2, 1]]);
    const spoiled = { ...changeBasis(strassen, M, N, M), fieldTag: 'Z' as const };
    expect(exact(spoiled)).toBe(true);
    expect(entries(spoiled).some((v) => !['-1', '0', '1'].includes(v))).toBe(true);
    for (const seed of [1, 2, 3]) {
      const r = ternarize(spoiled, { seed });
      if (r.scheme === null) throw new Error(r.reason);
      expect(exact(r.scheme)).toBe(true);
      expect(r.scheme.U.length).toBe(7);
      for (const v of entries(r.scheme)) expect(['-1', '0', '1']).toContain(v);
    }
  });

  it('refuses what is not an integer matrix-multiplication scheme, and says when it gives up', () => {
    const z2 = builtinScheme('strassen');
    const asZ2 = { ...z2, fieldTag: 'Z2' as const };
    expect(ternarize(asZ2).scheme).toBeNull();
    const strassen = builtinScheme('strassen') as Scheme<Fraction>;
    const M = F([[1, 3], [0, 1]]);
    const far = { ...changeBasis(strassen, M, M, M), fieldTag: 'Z' as const };
    const r = ternarize(far, { maxSteps: 1 });
    if (r.scheme === null) expect(r.reason).toMatch(/coefficients outside \{-1,0,1\} remain after 1 basis changes/);
    else throw new Error('one step cannot undo three basis changes with entries 3');
  });
});
