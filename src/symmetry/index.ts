export * from './action.ts';
export * from './terms.ts';
export * from './invariants.ts';
export { findBasisChanges, type SolveOptions, type SolveResult } from './solve.ts';
export * from './equivalence.ts';
export * from './stabiliser.ts';
export * from './z2fast.ts';
