import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinScheme } from '../../src/library/builtin.ts';
import { loadScheme } from '../../src/formats/registry.ts';
import { changeField, makeScheme, type Scheme } from '../../src/scheme/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { act, equivalent, orbitKey, randomElement, sameTerms, schemeInvariants, z2Canonical } from '../../src/symmetry/index.ts';
import { hasShared, SCHEMES } from '../helpers/shared.ts';
import { mutableFactors, sharedScheme } from '../helpers/load.ts';

const SEED = 4242;

describe('equivalence of schemes', () => {
  it('says yes, with a checked transformation, under a hidden random change of basis (seed printed)', () => {
    const rng = new Rng(SEED);
    const list: Scheme<unknown>[] = [builtinScheme('strassen'), builtinScheme('laderman'), changeField(builtinScheme('laderman'), 'Z2')];
    if (hasShared) list.push(sharedScheme('alphatensor/json-f2/4x4x4_r47_Z2.json'), sharedScheme('alphatensor/json-r/2x3x4_r20_Z.json'));
    for (const s of list) {
      const hidden = randomElement(s, rng);
      const b = act(s, hidden);
      const r = equivalent(s, b);
      expect(r.equivalent, `seed ${SEED}, ${s.meta.name ?? s.meta.source}`).toBe(true);
      expect(sameTerms(act(s, r.transform!), b)).toBe(true);
      expect(r.method).toBe('search');
    }
  });

  it('handles positive-dimensional stabilisers (the torus fixing the naive algorithm) by sampling the free matrices', () => {
    const s = builtinScheme('naive-2x2x2');
    const r = equivalent(s, act(s, randomElement(s, new Rng(SEED + 3))));
    expect(r.equivalent).toBe(true);
  });

  it("finds Strassen and Winograd equivalent (de Groote: all rank-7 <2,2,2> schemes are)", () => {
    const r = equivalent(builtinScheme('strassen'), builtinScheme('winograd'));
    expect(r.equivalent).toBe(true);
  });

  it.skipIf(!hasShared)('says no from invariants for <3,3,3>:23 schemes with different factor-rank multisets', () => {
    const a = sharedScheme('alphatensor/json-r/3x3x3_r23_Z.json');
    const b = sharedScheme('fast-matmul/json/grey333-23-143.json');
    const r = equivalent(a, b);
    expect(r.equivalent).toBe(false);
    expect(r.method).toBe('invariants');
    expect(r.reason).toMatch(/factor-rank triples differ: 1,1,1×13 1,1,2×4 1,1,3×1 1,2,2×1 2,2,2×4 vs 1,1,1×15 1,1,2×4 2,2,2×4/);
    // Same sorted triples, separated by the ordered triples.
    const c = sharedScheme('fast-matmul/json/grey333-23-144.json'), d = sharedScheme('fast-matmul/json/smirnov333-23-139.json');
    expect(schemeInvariants(c).report.rankTriples).toBe(schemeInvariants(d).report.rankTriples);
    expect(equivalent(c, d).reason).toMatch(/ordered factor-rank triples/);
  });

  it('says no by exhaustive search when every invariant agrees (Strassen vs. Strassen with one product doubled)', () => {
    // Strassen with one product's w scaled by 2: same factor ranks and pencils, not the same tensor set.
    const s = builtinScheme('strassen');
    const f = mutableFactors(s);
    f.W[6] = f.W[6].map((x) => (x as never as { mul(y: number): unknown }).mul(2)) as never;
    const t = makeScheme({ field: s.field, fieldTag: 'Q', target: s.target, ...f });
    const r = equivalent(s, t);
    expect(r.equivalent).toBe(false);
    expect(r.method).toBe('search');
    expect(r.reason).toMatch(/exhaustive correspondence search/);
  });

  it('refuses float schemes and non-matrix targets', () => {
    const s = changeField(builtinScheme('strassen'), 'R');
    expect(() => equivalent(s, s)).toThrow(/not exact/);
  });
});

describe('Z2 canonical forms', () => {
  it('are equal exactly on orbits (random images of Strassen and of a <2,2,3> and <3,3,3> scheme)', () => {
    const rng = new Rng(SEED + 1);
    const list = [changeField(builtinScheme('strassen'), 'Z2'), changeField(builtinScheme('strassen-join-2x2x3'), 'Z2'), changeField(builtinScheme('laderman'), 'Z2')];
    for (const s of list) {
      const c = z2Canonical(s);
      expect(sameTerms(act(s, c.element), c.scheme)).toBe(true);
      const img = act(s, randomElement(s, rng));
      expect(z2Canonical(img).key).toBe(c.key);
    }
    expect(z2Canonical(list[0]).key).not.toBe(z2Canonical(changeField(builtinScheme('naive-2x2x2'), 'Z2')).key);
    expect(() => z2Canonical(builtinScheme('strassen'))).toThrow(/needs a Z2/);
  });

  it('orbitKey: exact over Z2 for small formats, an invariant hash otherwise', () => {
    const rng = new Rng(SEED + 2);
    const z = changeField(builtinScheme('laderman'), 'Z2');
    expect(orbitKey(z)).toEqual({ key: z2Canonical(z).key, exact: true });
    const q = builtinScheme('laderman');
    const k = orbitKey(q);
    expect(k.exact).toBe(false);
    expect(orbitKey(act(q, randomElement(q, rng))).key).toBe(k.key);
  });

  it.skipIf(!hasShared)('separate the 273 vertices of the rank-8 <2,2,2> flip graph over Z2 (one orbit each), as the invariants do', () => {
    const dir = join(SCHEMES, 'flips/222flipgraph_rank8/vertices');
    const all = readdirSync(dir).sort().map((f) => changeField(loadScheme(join(dir, f)), 'Z2'));
    expect(all).toHaveLength(273);
    expect(new Set(all.map((s) => z2Canonical(s).key)).size).toBe(273);
    expect(new Set(all.map((s) => schemeInvariants(s).report.hash)).size).toBe(273);
    const r = equivalent(all[0], all[1]);
    expect(r.equivalent).toBe(false);
  });
});
