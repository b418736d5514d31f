import { SchemeError, type Scheme } from '../scheme/index.ts';
import { codegenOperator, type CodegenOperator } from './operator.ts';
import type { CodegenOptions } from './options.ts';
import { targetNamed, type GeneratedFile } from './registry.ts';

export { codegenOperator, type CodegenOperator } from './operator.ts';
export { DTYPES, PRODUCT_DTYPES, type CodegenDtype, type CodegenOptions, type ProductDtype } from './options.ts';
export { fileText, FORMAT_TARGETS, formatTargetNamed, generateSource, TARGET_NAMES, TARGETS, targetNamed, type FormatTarget, type GeneratedFile, type Target, type TargetOptions } from './registry.ts';
export { defaultRankBound, type FlipwalkOptions } from './targets/flipwalk.ts';
export { writeGenerated } from './write.ts';
export { fusedConfigs } from './targets/triton.ts';
export { fusedTile } from './targets/cuda-fused.ts';

/**
 * Validate `s` as a scheme for <tile,tile,tile> (SchemeError otherwise) and generate the target
 * called `name`; `source` is the scheme's file, for targets that name their output after it.
 */
export function generate(name: string, s: Scheme<unknown>, tile: number, opts: CodegenOptions & { source?: string }): { files: GeneratedFile[]; op: CodegenOperator } {
  const target = targetNamed(name);
  if (!target) throw new SchemeError(`unknown codegen target ${name}`);
  const op = codegenOperator(s, tile);
  return { files: target.generate(op, { ...opts, scheme: s }), op };
}
