import type { Scheme } from '../scheme/index.ts';
import { generateCuda } from './cuda.ts';
import { generateGpujs } from './gpujs.ts';
import { codegenOperator, type CodegenOperator } from './operator.ts';
import type { CodegenOptions, CodegenTarget } from './options.ts';
import { generateTriton } from './triton.ts';
import { generateTs } from './ts.ts';

export { codegenOperator, type CodegenOperator } from './operator.ts';
export { DTYPES, TARGETS, type CodegenDtype, type CodegenOptions, type CodegenTarget } from './options.ts';
export { fusedConfigs } from './triton.ts';
export { fusedTile } from './cuda-fused.ts';

/** Source text for one target from an already validated operator. */
export function generateFrom(target: CodegenTarget, op: CodegenOperator, opts: CodegenOptions): string {
  switch (target) {
    case 'triton':
      return generateTriton(op, opts);
    case 'cuda':
      return generateCuda(op, opts);
    case 'gpujs':
      return generateGpujs(op);
    case 'ts':
      return generateTs(op);
  }
}

/** Validate `s` as a scheme for <tile,tile,tile> (SchemeError otherwise) and generate `target`. */
export function generate(target: CodegenTarget, s: Scheme<unknown>, tile: number, opts: CodegenOptions): { text: string; op: CodegenOperator } {
  const op = codegenOperator(s, tile);
  return { text: generateFrom(target, op, opts), op };
}

/** Conventional file extension of each target's output. */
export const EXTENSION: Record<CodegenTarget, string> = { triton: '.py', cuda: '.cu', gpujs: '.mjs', ts: '.ts' };
