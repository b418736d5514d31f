/**
 * Universal encoders for the STL operator: rank-r approximations of <t,t,t> with the least
 * isotropic error, their start families, refinement, rounding and exact certificates.
 */
export { universalSearch, type UniversalOptions, type UniversalResult, type FamilyReport, type UniversalProgress } from './multistart.ts';
export { FAMILIES, structuredStarts, randomTruncation, truncationSources, type Family, type Start } from './starts.ts';
export { lowerBound, describeBound, type LowerBound } from './bounds.ts';
export { coverTable, coverPlan, planScheme, planError, describePlan, type CoverPlan, type Piece } from './cover.ts';
export { subSchemes, fullTileSchemes, type SubScheme } from './subschemes.ts';
export { truncate, fitDecoder } from './truncate.ts';
export { strassenBlockStarts } from './blocks.ts';
export { groupStarts, GROUPS } from './group-starts.ts';
export { refine, type RefineOptions } from './refine.ts';
export { roundToRational, type RoundedScheme } from './rational.ts';
export { exactDecoder, solveRational } from './exactls.ts';
export { tileProblem, floatError, gramError, rationalScheme, exactError, certifiedError } from './isotropic.ts';
export { paretoMarkdown, paretoSvg, conditioningMarkdown, REFERENCE_T4, type ParetoEntry, type ConditioningRow } from './report.ts';
export { refineConditioned, conditionPenalty, factorKappa, lowPrecisionMeta, type ConditionOptions, type ConditionResult, type LowPrecisionMeta } from './condition.ts';
