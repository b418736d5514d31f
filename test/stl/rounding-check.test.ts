import { describe, expect, it } from 'vitest';
import { builtinScheme } from '../../src/library/builtin.ts';
import { loadScheme } from '../../src/formats/registry.ts';
import { checkRounding, DEFAULT_ROUNDING_BOUND } from '../../src/stl/rounding-check.ts';
import { join } from 'node:path';
import { ROOT } from '../helpers/shared.ts';

describe('checkRounding', () => {
  it('an exact scheme is measured against the 2 % floor', () => {
    const c = checkRounding(builtinScheme('strassen'), 'bf16', true);
    expect(c.approximationError).toBe(0);
    expect(c.bound).toBe(DEFAULT_ROUNDING_BOUND);
    expect(c.predicted).toBeGreaterThan(0);
    expect(c.predicted).toBeLessThan(0.01);
    expect(c.ok).toBe(true);
  });

  it('an approximate scheme against √(isotropic error); κ ≈ 8·10⁵ fails it', () => {
    const ill = checkRounding(loadScheme(join(ROOT, 'search/universal-results/t4/r024.json')), 'bf16', true);
    expect(ill.approximationError).toBeCloseTo(Math.sqrt(0.458137), 4);
    expect(ill.bound).toBe(ill.approximationError);
    expect(ill.kappa).toBeGreaterThan(1e5);
    expect(ill.ok).toBe(false);
    const good = checkRounding(loadScheme(join(ROOT, 'search/universal-results/t4-cond/r024.json')), 'bf16', false);
    expect(good.predicted).toBeLessThan(0.02);
    expect(good.ok).toBe(true);
  });
});
