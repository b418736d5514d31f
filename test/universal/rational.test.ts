import { describe, expect, it } from 'vitest';
import { Fraction } from '../../src/field/index.ts';
import { schemeFactors } from '../../src/cp/convert.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { coverPlan, coverTable, planScheme } from '../../src/universal/cover.ts';
import { exactDecoder, solveRational } from '../../src/universal/exactls.ts';
import { roundToRational } from '../../src/universal/rational.ts';
import { subSchemes } from '../../src/universal/subschemes.ts';
import { certifiedError, exactError, floatError, tileProblem } from '../../src/universal/isotropic.ts';
import { truncate } from '../../src/universal/truncate.ts';

describe('exact least squares', () => {
  it('solves a consistent singular system over Q', () => {
    const q = (x: number) => new Fraction(x);
    const A = [[q(2), q(1), q(3)], [q(4), q(2), q(6)], [q(1), q(5), q(0)]];
    const B = [[q(7)], [q(14)], [q(2)]];
    const X = solveRational(A, B);
    for (let i = 0; i < 3; i++) expect(A[i].reduce((s, a, j) => s.add(a.mul(X[j][0])), q(0)).equals(B[i][0])).toBe(true);
  });

  it('truncation: the exact decoder matches the float least-squares fit', () => {
    const P = tileProblem(2, 5);
    const tr = truncate(P, builtinScheme('strassen') as Scheme<Fraction>, 5, { exact: true });
    expect(exactError(tr.exact!).valueOf()).toBeCloseTo(floatError(P, tr.factors), 12);
    expect(exactDecoder(2, tr.exact!.U as Fraction[][], tr.exact!.V as Fraction[][]).length).toBe(5);
  });
});

describe('rounding', () => {
  it('recovers a rational point hidden by term scalings and noise, exact error within 1e-12', () => {
    const t = 3, r = 12;
    const s = planScheme(coverPlan(coverTable(t, subSchemes(t, { published: false })), r));
    const P = tileProblem(t, r);
    const F = schemeFactors(s);
    const rng = new Rng(3);
    for (let l = 0; l < r; l++) {
      const a = 0.5 + rng.float(), b = 0.5 + rng.float();
      for (let x = 0; x < t * t; x++) {
        F.U[l * t * t + x] *= a;
        F.V[l * t * t + x] *= b;
        F.W[l * t * t + x] /= a * b;
      }
    }
    for (const X of [F.U, F.V, F.W]) for (let i = 0; i < X.length; i++) if (X[i] !== 0) X[i] += 1e-14 * rng.normal();
    const e = floatError(P, F);
    const out = roundToRational(P, F, e)!;
    expect(out).not.toBeNull();
    expect(out.error.valueOf()).toBeLessThanOrEqual(e + 1e-12);
    // Recomputed independently from the scheme: the same fraction.
    expect(certifiedError(out.scheme).exact!.equals(out.error)).toBe(true);
    expect(out.error.equals(exactError(s))).toBe(true);
  });

  it('gives up (null) rather than return a worse rational scheme', () => {
    const P = tileProblem(2, 3);
    const F = { U: new Float64Array(12).map((_, i) => Math.sin(i + 1)), V: new Float64Array(12).map((_, i) => Math.cos(i)), W: new Float64Array(12).map((_, i) => Math.sin(2 * i)) };
    const e = floatError(P, F);
    const out = roundToRational(P, F, e, { pinMaxN: 0 });
    if (out) expect(out.error.valueOf()).toBeLessThanOrEqual(e + 1e-12);
  });
});
