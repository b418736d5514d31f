import { describe, expect, it } from 'vitest';
import { describeTarget, tableTensor, targetDims, targetTensor } from '../../src/tensor/target.ts';

describe('target specs', () => {
  it('builds each kind with consistent dimensions', () => {
    const specs = [
      { kind: 'matmul', format: [2, 3, 4] },
      { kind: 'matmul', format: [2, 3, 4], transposedC: true },
      { kind: 'polymul', degrees: [2, 3] },
      { kind: 'cyclic-convolution', length: 5 },
      { kind: 'group-algebra', group: 'S3' },
      { kind: 'group-algebra', cayley: [[0, 1], [1, 0]] },
      { kind: 'group-algebra', generators: [[1, 2, 0]] },
      { kind: 'table', dims: [1, 1, 2], entries: [[0, 0, 1, '1/2']] },
    ] as const;
    for (const s of specs) expect(targetTensor(s as never).dims).toEqual(targetDims(s as never));
    expect(describeTarget({ kind: 'matmul', format: [2, 2, 2] })).toBe('<2,2,2>');
  });
  it('reports bad table entries by position', () => {
    expect(() => tableTensor({ dims: [1, 1, 1], entries: [[0, 0, 0, 'x']] })).toThrow(/entries\[0\]/);
    expect(() => tableTensor({ dims: [1, 1, 1], entries: [[0, 0, 3, 1]] })).toThrow(/outside/);
  });
});
