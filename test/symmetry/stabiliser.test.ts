import { describe, expect, it } from 'vitest';
import { builtinScheme } from '../../src/library/builtin.ts';
import { changeField, formatOf } from '../../src/scheme/index.ts';
import { act, closure, compose, elementKey, identityElement, sameTerms, symmetryGroup } from '../../src/symmetry/index.ts';
import { hasShared } from '../helpers/shared.ts';
import { sharedScheme } from '../helpers/load.ts';

/** Element-order statistics that identify the small groups in question. */
const S3xS3 = { 1: 1, 2: 15, 3: 8, 6: 12 };
const S4 = { 1: 1, 2: 9, 3: 8, 4: 6 };
const S3xZ2 = { 1: 1, 2: 7, 3: 2, 6: 2 };

describe('symmetry groups of schemes', () => {
  it("Strassen: S3×S3 of order 36 with the transposition (Burichenko), 18 cyclic-only, 6 from (P,Q,R) alone, over Q", () => {
    const s = builtinScheme('strassen');
    const all = symmetryGroup(s);
    expect(all.method).toBe('search');
    expect(all.complete).toBe(true);
    expect(all.order).toBe(36);
    expect(all.elementOrders).toEqual(S3xS3);
    expect(all.productOrbits.map((o) => o.length)).toEqual([6, 1]);
    expect(symmetryGroup(s, { perms: 'cyclic' }).order).toBe(18);
    expect(symmetryGroup(s, { perms: 'none' }).order).toBe(6);
    // Every element maps the scheme onto itself, and the set is closed under composition.
    const F = s.field;
    for (const g of all.elements) expect(sameTerms(act(s, g), s)).toBe(true);
    const keys = new Set(all.elements.map((g) => elementKey(F, g)));
    for (const g of all.elements.slice(0, 6)) for (const h of all.elements) expect(keys.has(elementKey(F, compose(F, g, h)))).toBe(true);
    expect(closure(F, all.generators, identityElement(F, formatOf(s))).size).toBe(36);
  });

  it('Strassen over Z2: the exhaustive scan and the correspondence search agree (36, 18, 6: no extra symmetry mod 2)', () => {
    const s = changeField(builtinScheme('strassen'), 'Z2');
    for (const [perms, order] of [['all', 36], ['cyclic', 18], ['none', 6]] as const) {
      const scan = symmetryGroup(s, { perms, method: 'z2-exhaustive' });
      const search = symmetryGroup(s, { perms, method: 'search' });
      expect(scan.order).toBe(order);
      expect(search.order).toBe(order);
      expect(new Set(scan.elements.map((g) => elementKey(s.field, g)))).toEqual(new Set(search.elements.map((g) => elementKey(s.field, g))));
    }
  });

  it("Laderman: S4 of order 24 (Burichenko), over Q and over Z2", () => {
    const s = builtinScheme('laderman');
    const q = symmetryGroup(s);
    expect(q.order).toBe(24);
    expect(q.elementOrders).toEqual(S4);
    expect(q.complete).toBe(true);
    const z = symmetryGroup(changeField(s, 'Z2'));
    expect(z.method).toBe('z2-exhaustive');
    expect(z.order).toBe(24);
    expect(symmetryGroup(s, { perms: 'none' }).order).toBe(4);
  });

  it.skipIf(!hasShared)("Hopcroft–Kerr <3,2,3>:15: S3×Z2 of order 12 (Burichenko)", () => {
    const g = symmetryGroup(sharedScheme('fast-matmul/json/hk323-15-94.json'));
    expect(g.order).toBe(12);
    expect(g.elementOrders).toEqual(S3xZ2);
  });

  it('naive <2,2,2>: 48 = 2³·6 permutation symmetries over Z2; over Q the diagonal torus makes the search non-exhaustive', () => {
    const s = builtinScheme('naive-2x2x2');
    expect(symmetryGroup(changeField(s, 'Z2')).order).toBe(48);
    const q = symmetryGroup(s, { perms: 'none' });
    expect(q.complete).toBe(false);
    expect(q.elementOrders.Infinity).toBeGreaterThan(0);
  });

  it.skipIf(!hasShared)('AlphaTensor <2,2,3>:11 over Z2 has only the identity', () => {
    expect(symmetryGroup(sharedScheme('alphatensor/json-f2/2x2x3_r11_Z2.json')).order).toBe(1);
  });
});
