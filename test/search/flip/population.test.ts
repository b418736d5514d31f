import { describe, expect, it } from 'vitest';
import { PopulationSearch, schemeInvariant, type PopulationSnapshot } from '../../../src/search/flip/population.ts';
import { naiveRingTerms, stateFromTerms, type FlipRing } from '../../../src/search/flip/rings.ts';
import { verifyScheme } from '../../../src/verify/index.ts';

const start = (ring: FlipRing) => stateFromTerms(ring, [3, 3, 3], naiveRingTerms(ring, [3, 3, 3]));

describe('PopulationSearch', () => {
  it.each(['Z2', 'ZT'] as FlipRing[])('reaches <3,3,3>:23 over %s through per-rank pools, exactly', (ring) => {
    const p = new PopulationSearch(start(ring), 4, { targetRank: 23, poolSize: 6, roundFlips: 100_000 });
    p.run(60_000_000);
    expect(p.bestRank).toBe(23);
    const r = verifyScheme(p.bestState().toScheme());
    expect(r.kind === 'exact' && r.exact).toBe(true);
    expect(p.counters.rounds).toBeGreaterThan(0);
  });

  it('keeps pools diverse by the invariant and bounded by poolSize', () => {
    const p = new PopulationSearch(start('ZT'), 2, { targetRank: 1, poolSize: 3, roundFlips: 20_000, walk: { plateau: 2000 } });
    p.run(1_500_000);
    for (const [, entries] of p.pools) {
      expect(entries.length).toBeLessThanOrEqual(3);
      expect(new Set(entries.map((e) => e.inv)).size).toBe(entries.length);
      for (const e of entries) expect(schemeInvariant(e.terms)).toBe(e.inv);
    }
    expect(p.level).toBe(p.bestRank);
  });

  it('continues from a JSON snapshot exactly as the uninterrupted search', () => {
    const o = { targetRank: 1, poolSize: 4, roundFlips: 30_000, walk: { plateau: 2000 } };
    const whole = new PopulationSearch(start('ZT'), 9, o);
    whole.run(400_000);
    const p = new PopulationSearch(start('ZT'), 9, o);
    p.run(170_000);
    const q = PopulationSearch.restore(JSON.parse(JSON.stringify(p.snapshot())) as PopulationSnapshot);
    q.run(230_000);
    expect(q.snapshot()).toEqual(whole.snapshot());
  });
});
