import { describe, expect, it } from 'vitest';
import { schemeToJson } from '../../src/formats/json.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { copyFactors } from '../../src/cp/factors.ts';
import { randomFactors } from '../../src/cp/problem.ts';
import { Rng } from '../../src/util/rng.ts';
import { refine } from '../../src/universal/refine.ts';
import { universalSearch } from '../../src/universal/multistart.ts';
import { structuredStarts } from '../../src/universal/starts.ts';
import { certifiedError, floatError, tileProblem } from '../../src/universal/isotropic.ts';

describe('refinement', () => {
  it('never increases the error (random and structured starts)', () => {
    const P = tileProblem(3, 10);
    const starts = structuredStarts(P, { seed: 1, families: ['naive', 'embedded', 'truncation', 'group'], published: false });
    expect(starts.length).toBeGreaterThan(2);
    for (const [k, s] of starts.entries()) {
      const F = copyFactors(s.factors);
      const before = floatError(P, F);
      if (s.exact) expect(before).toBeCloseTo(s.exact.error.valueOf(), 12);
      const res = refine(P, F, { maxSweeps: 300 + 100 * k });
      expect(res.error).toBeLessThanOrEqual(before + 1e-15);
      expect(floatError(P, F)).toBeCloseTo(res.error, 14);
    }
    for (let k = 0; k < 3; k++) {
      const F = randomFactors(P, new Rng(k + 1), [0.5, 1, 2][k]);
      const before = floatError(P, F);
      expect(refine(P, F, { maxSweeps: 200 }).error).toBeLessThanOrEqual(before);
    }
  });
});

describe('universalSearch', () => {
  it('is deterministic per seed with a restart budget', () => {
    const run = () => universalSearch({ t: 2, r: 4, seed: 7, restarts: 4, maxSweeps: 500 });
    const a = run(), b = run();
    expect(a.best.error).toBe(b.best.error);
    expect(schemeToJson(a.best.scheme as Scheme<unknown>)).toBe(schemeToJson(b.best.scheme as Scheme<unknown>));
    const c = universalSearch({ t: 2, r: 4, seed: 8, restarts: 4, maxSweeps: 500 });
    expect(c.best.error).toBeGreaterThanOrEqual(0);
  });

  it('r = t³ gives exactly 0 (naive) and r = 7 gives an exact <2,2,2> scheme', () => {
    for (const [t, r] of [[2, 8], [3, 27], [2, 7]]) {
      const res = universalSearch({ t, r, seed: 1, restarts: 0, published: false });
      expect(res.best.exact?.n).toBe(0n);
      expect(['Z', 'Q']).toContain(res.best.scheme.fieldTag);
      expect(certifiedError(res.best.scheme).exact?.n).toBe(0n);
    }
  });

  it('reports every family and a final error no worse than any family', { timeout: 20_000 }, () => {
    const res = universalSearch({ t: 3, r: 15, seed: 1, restarts: 2, maxSweeps: 300, published: false, timeLimitMs: 6000 });
    expect(res.families.map((f) => f.family)).toEqual(['random', 'naive', 'embedded', 'truncation', 'strassen-block', 'group']);
    const cert = certifiedError(res.best.scheme);
    // <2,3,3>:15 is not built in, so without shared data the packing is Strassen + naive products.
    for (const f of res.families) {
      if (f.refined !== null) expect(cert.value).toBeLessThanOrEqual(f.refined + 1e-12);
      if (f.bestStart?.exact) expect(cert.value).toBeLessThanOrEqual(f.bestStart.exact.valueOf() + 1e-12);
    }
  });

  it('with maxCoef, every coefficient of the result stays within the bound', () => {
    const res = universalSearch({ t: 2, r: 5, seed: 1, restarts: 3, maxSweeps: 300, maxCoef: 1.5 });
    const s = res.best.scheme as Scheme<unknown>;
    let m = 0;
    for (const M of [s.U, s.V, s.W]) for (const row of M) for (const x of row) m = Math.max(m, Math.abs(Number(x)));
    expect(m).toBeLessThanOrEqual(1.5 + 1e-9);
    // Keeping 5 naive products (coefficients 1) is always allowed, so it is no worse than 3/8.
    expect(certifiedError(s).value).toBeLessThanOrEqual(3 / 8 + 1e-12);
  });
});
