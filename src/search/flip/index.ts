/**
 * Flip-graph random walks (Kauers & Moosbauer 2022) over Z2, ZT and Z3:
 *   FlipState        a scheme over Z2, bit-packed, its factor groups and the moves;
 *   ZTState, Z3State the signed states (coefficients in {−1, 0, 1}, kept ternary over Z, or mod 3);
 *   FlipWalker       one seeded walk over any ring with plateau escapes, restarts and JSON checkpoints;
 *   PopulationSearch per-rank pools of diverse schemes with walkers restarted from them;
 *   flipSearch       a single-thread loop to a target rank with time and flip limits;
 *   meta moves       extension, projection, extend–walk–project, products and joins (meta.ts).
 */
export { FlipState, keyOf, schemeKeys, type FlipStateSnapshot, type Format } from './state.ts';
export { ZTState } from './zt-state.ts';
export { Z3State } from './z3-state.ts';
export { FLIP_RINGS, naiveRingTerms, restoreState, ringField, ringTerms, stateFromTerms, type FlipRing, type RingFlipState, type RingSnapshot } from './rings.ts';
export { DEFAULT_WALK, FlipWalker, flipSearch, type FlipSearchOptions, type FlipSearchResult, type FlipSnapshot, type WalkCounters, type WalkOptions } from './walk.ts';
export { PopulationSearch, schemeInvariant, type PopulationOptions, type PopulationSnapshot } from './population.ts';
export { bestProjection, composedStarts, extendScheme, extendWalkProject, productScheme, projectScheme, type Axis } from './meta.ts';
