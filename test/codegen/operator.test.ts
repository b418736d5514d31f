import { describe, expect, it } from 'vitest';
import { codegenOperator, fusedConfigs, fusedTile } from '../../src/codegen/index.ts';
import { floatLiteral, linearCombination } from '../../src/codegen/operator.ts';
import { placeholderScheme } from '../../src/library/placeholder.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { changeField, type Scheme } from '../../src/scheme/index.ts';

describe('codegen operator: input checks and coefficients', () => {
  it('reads E_X = U, E_W = V, D = Wᵀ', () => {
    const s = builtinScheme('strassen');
    const op = codegenOperator(s, 2);
    expect([op.t, op.r, op.exact, op.isotropicError]).toEqual([2, 7, true, 0]);
    expect(op.D).toHaveLength(4);
    expect(op.D[0]).toHaveLength(7);
    const f = changeField(s, 'R') as Scheme<number>;
    for (let l = 0; l < 7; l++) for (let q = 0; q < 4; q++) {
      expect(op.EX[l][q]).toBe(f.U[l][q]);
      expect(op.EW[l][q]).toBe(f.V[l][q]);
      expect(op.D[q][l]).toBe(f.W[l][q]);
    }
  });

  it('refuses non-square formats, a --tile that does not match, and schemes mod p', () => {
    expect(() => codegenOperator(builtinScheme('strassen-join-2x2x3'), 2)).toThrow(/square format <t,t,t>; this one is for <2,2,3>/);
    expect(() => codegenOperator(builtinScheme('strassen'), 4)).toThrow(/--tile 4 does not match .* <2,2,2>/);
    expect(() => codegenOperator(changeField(builtinScheme('strassen'), 'Z2'), 2)).toThrow(/modulo 2/);
    expect(() => codegenOperator(builtinScheme('strassen'), 0)).toThrow(/positive integer/);
  });

  it('placeholder schemes are dense floats with isotropic error exactly 1 − r/t³', () => {
    for (const [t, r] of [[4, 24], [4, 32], [2, 5]]) {
      const op = codegenOperator(placeholderScheme(t, r) as Scheme<unknown>, t);
      expect(op.exact).toBe(false);
      expect(op.isotropicError).toBeCloseTo(1 - r / t ** 3, 10);
      expect(op.EX.flat().filter((x) => x === 0)).toHaveLength(0);
    }
    // The full set of t³ products is exact in any orthogonal basis.
    expect(codegenOperator(placeholderScheme(2, 8) as Scheme<unknown>, 2).isotropicError).toBeLessThan(1e-24);
  });

  it('writes coefficients as literals that read back exactly, skipping zeros and ±1 factors', () => {
    for (const x of [1, -2, 0.5, 1 / 3, 1e-7, -0]) expect(Number(floatLiteral(x))).toBe(x === 0 ? 0 : x);
    expect(floatLiteral(3)).toBe('3.0');
    expect(linearCombination([1, 0, -1, 0.5], ['a', 'b', 'c', 'd'], floatLiteral, '0')).toBe('a - c + 0.5 * d');
    expect(linearCombination([-1, 2], ['a', 'b'], (x) => `${floatLiteral(x)}f`, '0')).toBe('-a + 2.0f * b');
    expect(linearCombination([0, 0], ['a', 'b'], floatLiteral, 'zero')).toBe('zero');
  });

  it('sizes the fused tiles so that the t² output tiles fit in registers', () => {
    expect(fusedTile(4)).toEqual({ BM: 64, BN: 32 });
    expect(fusedTile(2)).toEqual({ BM: 128, BN: 64 });
    // Triton configs: at most ~256 fp32 output registers per thread (the compiler spills beyond).
    for (const t of [2, 3, 4, 5]) for (const c of fusedConfigs(t)) expect((t * t * (c.BM as number) * (c.BN as number)) / (32 * (c.num_warps as number))).toBeLessThanOrEqual(256);
  });
});
