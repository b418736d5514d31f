import { describe, expect, it } from 'vitest';
import { Z2 } from '../../src/field/index.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { changeField, type Scheme } from '../../src/scheme/index.ts';
import { Rng } from '../../src/util/rng.ts';
import {
  act, allowedPerms, compose, elementKey, identityElement, inverse, permuteFormat, randomElement, randomInvertible, sameTerms,
} from '../../src/symmetry/index.ts';
import { det } from '../../src/field/linalg.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared } from '../helpers/shared.ts';
import { sharedScheme } from '../helpers/load.ts';

const exact = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

describe('actions of (P, Q, R) and σ on schemes', () => {
  const SEED = 20261125;

  it('lists the cyclic/transposition symmetries that keep a format', () => {
    expect(allowedPerms([3, 3, 3])).toHaveLength(6);
    expect(allowedPerms([3, 3, 3], 'cyclic')).toEqual(['id', 'rot', 'rot2']);
    expect(allowedPerms([2, 3, 2])).toEqual(['id', 'T']);
    expect(allowedPerms([2, 2, 3])).toEqual(['id', 'rotT']);
    expect(allowedPerms([2, 3, 4])).toEqual(['id']);
    expect(permuteFormat([2, 3, 4], 'rot')).toEqual([3, 4, 2]);
  });

  it('maps exact schemes to exact schemes, over Q and over Z2 (random elements, seed printed)', () => {
    const rng = new Rng(SEED);
    const schemes: Scheme<unknown>[] = [builtinScheme('strassen'), builtinScheme('laderman'), builtinScheme('strassen-join-2x2x3')];
    schemes.push(...schemes.map((s) => changeField(s, 'Z2')));
    if (hasShared) schemes.push(sharedScheme('alphatensor/json-f2/4x4x4_r47_Z2.json'), sharedScheme('alphatensor/json-r/3x4x5_r47_Z.json'));
    for (const s of schemes) {
      for (let k = 0; k < 3; k++) {
        const g = randomElement(s, rng);
        const t = act(s, g);
        expect(exact(t), `seed ${SEED}: ${s.meta.name ?? s.meta.source} under ${g.perm}`).toBe(true);
        expect(t.U.length).toBe(s.U.length);
      }
    }
  });

  it('composes like functions and inverts', () => {
    const rng = new Rng(SEED + 1);
    for (const s of [builtinScheme('laderman'), changeField(builtinScheme('strassen'), 'Z2'), builtinScheme('strassen-join-2x2x3')]) {
      const F = s.field;
      for (let k = 0; k < 4; k++) {
        const g1 = randomElement(s, rng), g2 = randomElement(s, rng);
        expect(sameTerms(act(s, compose(F, g2, g1)), act(act(s, g1), g2))).toBe(true);
        expect(sameTerms(act(act(s, g1), inverse(F, g1)), s)).toBe(true);
        const id = identityElement(F, s.target.kind === 'matmul' ? s.target.format : [0, 0, 0]);
        expect(elementKey(F, compose(F, inverse(F, g1), g1))).toBe(elementKey(F, id));
      }
    }
  });

  it('draws invertible matrices', () => {
    const rng = new Rng(3);
    for (let k = 0; k < 20; k++) expect(det(Z2, randomInvertible(Z2, 3, rng))).toBe(1);
  });
});
