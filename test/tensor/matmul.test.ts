import { describe, expect, it } from 'vitest';
import { Q } from '../../src/field/index.ts';
import { applyTensor } from '../../src/tensor/tensor.ts';
import { matmulTensor, matmulTensorTransposedC } from '../../src/tensor/matmul.ts';

describe('matrix multiplication tensors', () => {
  it('<n,m,p> computes C = AB with C as written', () => {
    const [n, m, p] = [2, 3, 4];
    const T = matmulTensor(n, m, p);
    expect(T.dims).toEqual([6, 12, 8]);
    expect(T.entries.length).toBe(24);
    const A = Array.from({ length: n * m }, (_, x) => x + 1);
    const B = Array.from({ length: m * p }, (_, x) => 2 * x - 5);
    const C = applyTensor(T, Q, A.map((x) => Q.fromInt(x)), B.map((x) => Q.fromInt(x)));
    for (let i = 0; i < n; i++) for (let k = 0; k < p; k++) {
      let want = 0;
      for (let j = 0; j < m; j++) want += A[i * m + j] * B[j * p + k];
      expect(Number(C[i * p + k].valueOf())).toBe(want);
    }
  });
  it('the transposed-C form indexes C[i][k] at k*n+i', () => {
    const T = matmulTensorTransposedC(2, 3, 4);
    expect(T.entries.every((e) => {
      const [i, j, k] = [Math.floor(e.i / 3), e.i % 3, e.j % 4];
      return Math.floor(e.j / 4) === j && e.k === k * 2 + i;
    })).toBe(true);
  });
});
