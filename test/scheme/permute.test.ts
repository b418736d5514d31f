import { describe, expect, it } from 'vitest';
import { formatOf, permuteScheme, PERMUTATIONS, toFormat, type Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared } from '../helpers/shared.ts';
import { sharedScheme } from '../helpers/load.ts';

const exact = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

describe.skipIf(!hasShared)('the six permutations of a matmul scheme', () => {
  it('map an exact <2,3,4> scheme to exact schemes of all six formats', () => {
    const s = sharedScheme('alphatensor/json-r/2x3x4_r20_Z.json');
    const formats = PERMUTATIONS.map((w) => {
      const t = permuteScheme(s, w);
      expect(exact(t), w).toBe(true);
      return formatOf(t).join(',');
    });
    expect(new Set(formats)).toEqual(new Set(['2,3,4', '3,4,2', '4,2,3', '4,3,2', '2,4,3', '3,2,4']));
  });
  it('finds the permutation that reaches a requested format', () => {
    const s = sharedScheme('alphatensor/json-r/2x3x4_r20_Z.json');
    const t = toFormat(s, [4, 3, 2]);
    expect(formatOf(t)).toEqual([4, 3, 2]);
    expect(exact(t)).toBe(true);
    expect(() => toFormat(s, [2, 2, 6])).toThrow(/not a permutation/);
  });
});
