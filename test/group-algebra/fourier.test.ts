import { describe, expect, it } from 'vitest';
import { Fraction } from '../../src/field/index.ts';
import { fourierScheme, dftGaussian, dftReal } from '../../src/group-algebra/index.ts';
import { applyBilinearQ, cyclotomic, fieldMulBilinear, quaternionBilinear, realCyclotomic, toomBilinear } from '../../src/group-algebra/fourier/index.ts';
import { verifyScheme, type VerifyReport } from '../../src/verify/index.ts';

const exact = (r: VerifyReport) => r.kind === 'exact' && r.exact;

describe('group-algebra (Fourier) schemes', () => {
  it('the rational DFT of Z_n verifies exactly, with rank 2n − τ(n) (one Q(ζ_d) per divisor d)', () => {
    const tau = (n: number) => Array.from({ length: n }, (_, d) => d + 1).filter((d) => n % d === 0).length;
    for (const n of [2, 3, 4, 5, 6, 7, 8, 9, 12, 16]) {
      const f = fourierScheme(`Z${n}`);
      expect(exact(verifyScheme(f.scheme)), `Z${n}`).toBe(true);
      expect(f.rank).toBe(2 * n - tau(n));
      expect(f.scheme.target).toEqual({ kind: 'group-algebra', group: `Z${n}` });
    }
  });

  it('abelian products: Q[Z4×Z4] = Q⁴ ⊕ Q(i)⁶ has rank 22, Q[Z2⁴] rank 16', () => {
    for (const [name, rank] of [['Z4xZ4', 22], ['Z2xZ2xZ2xZ2', 16], ['Z2xZ3', 8], ['Z3xZ3', 13]] as const) {
      const f = fourierScheme(name);
      expect(exact(verifyScheme(f.scheme)), name).toBe(true);
      expect(f.rank, name).toBe(rank);
    }
  });

  it('the complex DFT over Q(i) (exponent | 4) is exact with rank |G|; the realified float DFT has residual ~1e-16', () => {
    for (const ns of [[2], [4], [2, 4], [4, 4]]) {
      const s = dftGaussian(ns);
      expect(exact(verifyScheme(s))).toBe(true);
      expect(s.U.length).toBe(ns.reduce((a, b) => a * b, 1));
    }
    expect(() => dftGaussian([3])).toThrow(/exponents dividing 4/);
    for (const [ns, rank] of [[[5], 7], [[8], 11], [[3, 3], 13]] as const) {
      const s = dftReal(ns);
      const r = verifyScheme(s);
      expect(r.kind).toBe('float');
      if (r.kind === 'float') expect(r.relFrobenius).toBeLessThan(1e-14);
      expect(s.U.length).toBe(rank);
    }
  });

  it('the Fourier scheme of S3 (Q ⊕ Q ⊕ M2(Q), Strassen on the block) verifies exactly with rank 9', () => {
    const f = fourierScheme('S3');
    expect(exact(verifyScheme(f.scheme))).toBe(true);
    expect(f.rank).toBe(9);
    expect(f.components.map((c) => c.algebra)).toEqual(['Q', 'Q', 'M2(Q)']);
    expect(fourierScheme('S3', { blocks: 'naive' }).rank).toBe(10);
    expect(f.scheme.target).toEqual({ kind: 'group-algebra', group: 'S3' });
  });

  it('S4, D_n, Q8 and direct products verify exactly, with the expected ranks', () => {
    const cases: [string, number][] = [
      ['S4', 55], // 1 + 1 + 7 + 23 + 23 (Strassen, Laderman)
      ['D4', 11], ['D5', 23], ['D6', 18], // D5: Q² ⊕ M2(Q(√5)) = 2 + 7·3
      ['Q8', 12], // Q⁴ ⊕ H_Q, quaternions with 8 products (Howell–Lafon)
      ['S3xZ2', 18], ['S3xZ3', 36], ['S3xS3', 81],
    ];
    for (const [name, rank] of cases) {
      const f = fourierScheme(name);
      expect(exact(verifyScheme(f.scheme)), name).toBe(true);
      expect(f.rank, name).toBe(rank);
    }
  });

  it('building blocks: cyclotomic polynomials, Toom–Cook, field products, quaternions', () => {
    expect(cyclotomic(12)).toEqual([1n, 0n, -1n, 0n, 1n]);
    expect(cyclotomic(9)).toEqual([1n, 0n, 0n, 1n, 0n, 0n, 1n]);
    expect(realCyclotomic(5).K.mu.map((x) => x.toFraction())).toEqual(['-1', '1', '1']); // c² + c − 1
    expect(toomBilinear(3).U).toHaveLength(5);
    // (1 + t)(2 − t) mod t² + 1 = 2 + t − t² = 3 + t in Q(i).
    const mul = fieldMulBilinear(cyclotomic(4).map((x) => new Fraction(x)));
    expect(applyBilinearQ(mul, [new Fraction(1), new Fraction(1)], [new Fraction(2), new Fraction(-1)]).map((x) => x.toFraction())).toEqual(['3', '1']);
    expect(quaternionBilinear().U).toHaveLength(8);
  });
});
