/**
 * Flip-graph random walks over Z2 (Kauers & Moosbauer 2022) on bit-packed schemes:
 *   FlipState   the scheme, its factor groups and the moves (flip, reduction, plus transition);
 *   FlipWalker  one seeded walk with plateau escapes, restarts and JSON checkpoints;
 *   flipSearch  a single-thread loop to a target rank with time and flip limits.
 */
export { FlipState, keyOf, schemeKeys, type FlipStateSnapshot, type Format } from './state.ts';
export { DEFAULT_WALK, FlipWalker, flipSearch, type FlipSearchOptions, type FlipSearchResult, type FlipSnapshot, type WalkCounters, type WalkOptions } from './walk.ts';
