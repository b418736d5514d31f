import { describe, expect, it } from 'vitest';
import { Fraction } from '../../src/field/index.ts';
import { frobeniusSq, makeTensor, matmulTensor } from '../../src/tensor/index.ts';
import { embeddedScheme, embeddingError, embeddingTensor, fourierScheme, satisfiesTPP, scaledEmbeddingError, searchEmbedding, tppViolations } from '../../src/group-algebra/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';

/** ‖T − T̂‖² / ‖T‖² from the two tensors directly. */
function tensorError(n: number, m: number, p: number, That: ReturnType<typeof embeddingTensor>): Fraction {
  const T = matmulTensor(n, m, p);
  const diff = makeTensor(T.dims, [...T.entries, ...That.entries.map((e) => ({ ...e, v: e.v.neg() }))]);
  return frobeniusSq(diff).div(frobeniusSq(T));
}

describe('triple product property and embedded schemes', () => {
  it('Z2³ with S, T, U the three coordinate lines realises <2,2,2> exactly (rank 8)', () => {
    const f = fourierScheme('Z2xZ2xZ2');
    const G = f.group; // elements as digits (a, b, c), index 4a + 2b + c
    const e = { S: [0, 4], T: [0, 2], U: [0, 1] };
    expect(satisfiesTPP(G, e)).toBe(true);
    const s = embeddedScheme(G, e, f.scheme);
    const r = verifyScheme(s);
    expect(r.kind === 'exact' && r.exact).toBe(true);
    expect(s.U.length).toBe(8);
  });

  it('S3 realises <2,2,2> exactly through its rank-9 Fourier scheme (found by exhaustive search)', () => {
    const f = fourierScheme('S3');
    const res = searchEmbedding(f.group, [2, 2, 2]);
    expect(res.exhaustive).toBe(true);
    expect(res.violations).toBe(0);
    const r = verifyScheme(embeddedScheme(f.group, res.embedding, f.scheme));
    expect(r.kind === 'exact' && r.exact).toBe(true);
  });

  it('when the TPP fails, violations = spurious entries of T̂ and the verifier gets the same exact error', () => {
    const f = fourierScheme('Z4xZ4');
    const e = { S: [0, 1, 2, 3], T: [0, 4, 8, 12], U: [0, 5, 10, 15] };
    const v = tppViolations(f.group, e);
    expect(v).toBeGreaterThan(0);
    const That = embeddingTensor(f.group, e);
    expect(That.entries.length).toBe(64 + v);
    const { error } = embeddingError(f.group, e);
    expect(error.equals(new Fraction(v, 64))).toBe(true);
    expect(tensorError(4, 4, 4, That).equals(error)).toBe(true);
    const r = verifyScheme(embeddedScheme(f.group, e, f.scheme));
    expect(r.kind === 'exact' && r.isotropicError).toBe(error.toFraction());
    const scaled = verifyScheme(embeddedScheme(f.group, e, f.scheme, { scaledReadout: true }));
    expect(scaled.kind === 'exact' && scaled.isotropicError).toBe(scaledEmbeddingError(f.group, e).toFraction());
    expect(scaledEmbeddingError(f.group, e).compare(error)).toBeLessThan(0);
  });

  it('the embedding search: exhaustive for Z4×Z4 (192 violations at best: error 3), seeded local search for S4', () => {
    const z = fourierScheme('Z4xZ4');
    const ex = searchEmbedding(z.group, [4, 4, 4]);
    expect(ex.exhaustive).toBe(true);
    expect(ex.violations).toBe(192);
    const s4 = fourierScheme('S4');
    const a = searchEmbedding(s4.group, [4, 4, 4], { seed: 7, restarts: 5, iterations: 2000 });
    const b = searchEmbedding(s4.group, [4, 4, 4], { seed: 7, restarts: 5, iterations: 2000 });
    expect(a.exhaustive).toBe(false);
    expect(a.embedding).toEqual(b.embedding); // reproducible from the seed
    expect(a.violations).toBe(tppViolations(s4.group, a.embedding));
  });

  it('rejects repeated indices', () => {
    const f = fourierScheme('S3');
    expect(() => tppViolations(f.group, { S: [0, 0], T: [0, 1], U: [0, 2] })).toThrow(/repeats/);
  });
});
