import { describe, expect, it } from 'vitest';
import { stlCost } from '../../src/stl/cost.ts';

describe('stlCost', () => {
  it('matches stl.md for (t, r) = (4, 24) on a divisible shape', () => {
    const c = stlCost({ M: 1024, N: 4096, P: 4096, t: 4, r: 24 });
    const [M, N, P] = [1024, 4096, 4096];
    expect(c.flops.dense).toBe(2 * M * N * P);
    expect(c.flops.core).toBe((2 * 24 * M * N * P) / 64);
    expect(c.flops.encodeX).toBe(2 * 24 * M * N);
    expect(c.flops.encodeW).toBe(2 * 24 * N * P);
    expect(c.flops.decode).toBe(2 * 24 * M * P);
    expect(c.flops.online).toBe(c.flops.core + c.flops.encodeX + c.flops.decode);
    expect(c.ratio.coreFlops).toBeCloseTo(64 / 24, 12); // 2.67×
    expect(c.params.encodedWeights).toBe((24 * N * P) / 16);
    expect(c.params.ratio).toBe(1.5); // r/t² = 1.5×
    expect(c.params.encoders).toBe(2 * 24 * 16);
    // encode X reads MN and writes r·MN/t²; decode reads r·MP/t² and writes MP.
    expect(c.values.encodeX).toBe(M * N + (24 * M * N) / 16);
    expect(c.values.decode).toBe((24 * M * P) / 16 + M * P);
    expect(c.values.core).toBe((24 * (M * N + N * P + M * P)) / 16);
    expect(c.values.fused).toBe(M * N + (24 * N * P) / 16 + M * P);
    expect(c.bytes.dense).toBe(4 * (M * N + N * P + M * P));
  });

  it('counts padded work when t does not divide, and takes bytes per value', () => {
    const c = stlCost({ M: 5, N: 7, P: 9, t: 4, r: 49, bytesPerValue: 2 });
    expect(c.padded).toEqual({ M: 8, N: 8, P: 12 });
    expect(c.flops.core).toBe(2 * 49 * 2 * 2 * 3);
    expect(c.flops.dense).toBe(2 * 5 * 7 * 9);
    expect(c.params.encodedWeights).toBe(49 * 2 * 3);
    expect(c.bytes.fused).toBe(2 * c.values.fused);
    expect(() => stlCost({ M: 0, N: 1, P: 1, t: 2, r: 7 })).toThrow(/M must be a positive integer/);
  });
});
