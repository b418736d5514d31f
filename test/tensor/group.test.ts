import { describe, expect, it } from 'vitest';
import {
  abelianGroup, cyclicGroup, dihedralGroup, gmul, groupAlgebraTensor, groupFromPermutations, groupFromTable,
  namedGroup, quaternionGroup, symmetricGroup, type FiniteGroup,
} from '../../src/tensor/group.ts';

function isGroup(G: FiniteGroup): boolean {
  const n = G.order;
  for (let a = 0; a < n; a++) {
    if (gmul(G, 0, a) !== a || gmul(G, a, 0) !== a || gmul(G, a, G.inv[a]) !== 0) return false;
    for (let b = 0; b < n; b++) for (let c = 0; c < n; c++) if (gmul(G, gmul(G, a, b), c) !== gmul(G, a, gmul(G, b, c))) return false;
  }
  return true;
}
const abelian = (G: FiniteGroup) => Array.from({ length: G.order }, (_, a) => a).every((a) => Array.from({ length: G.order }, (_, b) => b).every((b) => gmul(G, a, b) === gmul(G, b, a)));
const elementOrders = (G: FiniteGroup) => Array.from({ length: G.order }, (_, g) => {
  let k = 1, x = g;
  while (x !== 0) { x = gmul(G, x, g); k++; }
  return k;
}).sort((a, b) => a - b);

describe('finite groups', () => {
  it('builds the shipped groups with the right orders and structure', () => {
    expect(cyclicGroup(5).order).toBe(5);
    expect(abelianGroup([2, 3]).order).toBe(6);
    expect(dihedralGroup(4).order).toBe(8);
    expect(symmetricGroup(3).order).toBe(6);
    expect(symmetricGroup(4).order).toBe(24);
    expect(quaternionGroup().order).toBe(8);
    for (const G of [cyclicGroup(6), abelianGroup([2, 2, 3]), dihedralGroup(5), symmetricGroup(4), quaternionGroup()]) expect(isGroup(G)).toBe(true);
    expect(abelian(symmetricGroup(3))).toBe(false);
    expect(abelian(abelianGroup([2, 4]))).toBe(true);
    // Q8 has one element of order 2 and six of order 4; D4 has five of order 2.
    expect(elementOrders(quaternionGroup())).toEqual([1, 2, 4, 4, 4, 4, 4, 4]);
    expect(elementOrders(dihedralGroup(4)).filter((k) => k === 2).length).toBe(5);
    expect(namedGroup('Z2xZ3').order).toBe(6);
    expect(() => namedGroup('M11')).toThrow(/unknown group/);
  });
  it('validates Cayley tables', () => {
    const Z3 = groupFromTable([[1, 2, 0], [2, 0, 1], [0, 1, 2]]); // identity is element 2
    expect(isGroup(Z3)).toBe(true);
    expect(() => groupFromTable([[0, 1], [1, 1]])).toThrow();
    expect(() => groupFromTable([[0, 1], [1]])).toThrow(/row 1/);
    expect(() => groupFromPermutations([[0, 0, 1]])).toThrow(/not a permutation/);
  });
  it('gives the group algebra tensor T[g,h,gh] = 1', () => {
    const G = symmetricGroup(3);
    const T = groupAlgebraTensor(G);
    expect(T.entries.length).toBe(36);
    expect(T.entries.every((e) => e.k === gmul(G, e.i, e.j))).toBe(true);
  });
});
