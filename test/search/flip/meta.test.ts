import { describe, expect, it } from 'vitest';
import { laderman, naive, strassen } from '../../../src/library/builtin.ts';
import { bestProjection, composedStarts, extendScheme, extendWalkProject, productScheme, projectScheme, type Axis } from '../../../src/search/flip/meta.ts';
import { formatOf, rank, type Scheme } from '../../../src/scheme/index.ts';
import { verifyScheme } from '../../../src/verify/index.ts';

const exact = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

describe('meta moves', () => {
  it('extend a scheme by the naive products of the new slab, along each axis', () => {
    for (const axis of [0, 1, 2] as Axis[]) {
      const s = extendScheme(strassen(), axis);
      const want = [2, 2, 2];
      want[axis] = 3;
      expect(formatOf(s)).toEqual(want);
      expect(rank(s)).toBe(7 + 4);
      expect(exact(s)).toBe(true);
    }
  });

  it('project to a smaller format, dropping the products that vanish', () => {
    for (const axis of [0, 1, 2] as Axis[]) {
      const s = projectScheme(naive(3, 3, 3), axis, 1);
      expect(rank(s)).toBe(18);
      expect(exact(s)).toBe(true);
      const l = bestProjection(laderman(), axis);
      expect(exact(l)).toBe(true);
      expect(rank(l)).toBeLessThan(23);
    }
    // Extending then removing the added slab gives the scheme back.
    expect(rank(projectScheme(extendScheme(strassen(), 2), 2, 2))).toBe(7);
    expect(() => projectScheme(naive(1, 2, 2), 0, 0)).toThrow(/cannot remove/);
  });

  it('build the product of two schemes', () => {
    const s = productScheme(strassen(), strassen());
    expect(formatOf(s)).toEqual([4, 4, 4]);
    expect(rank(s)).toBe(49);
    expect(exact(s)).toBe(true);
  });

  it('extend, walk and project back to an exact scheme of the original format', () => {
    const back = extendWalkProject(naive(2, 2, 3), { ring: 'ZT', axis: 2, seed: 1, flips: 200_000 });
    expect(formatOf(back)).toEqual([2, 2, 3]);
    expect(back.fieldTag).toBe('Z');
    expect(exact(back)).toBe(true);
    // With no flips the walk keeps the extension, whose best projection is the scheme itself.
    expect(rank(extendWalkProject(strassen(), { ring: 'ZT', axis: 0, seed: 1, flips: 0 }))).toBe(7);
  });

  it('compose starts from known smaller and larger formats, lowest rank first', () => {
    const known = (f: [number, number, number]) => {
      const k = [...f].sort().join();
      if (f.includes(1)) return naive(...f);
      return k === '2,2,2' ? strassen() : k === '3,3,3' ? laderman() : undefined;
    };
    const starts = composedStarts([2, 2, 4], known);
    expect(starts.length).toBeGreaterThan(0);
    expect(rank(starts[0].scheme)).toBe(14);
    expect(starts[0].how).toMatch(/join of <2,2,2>:7 and <2,2,2>:7|product/);
    for (const s of starts) expect(exact(s.scheme)).toBe(true);
    const s233 = composedStarts([2, 3, 3], known);
    expect(s233.some((x) => x.how.startsWith('projection of <3,3,3>:23'))).toBe(true);
  });
});
