import type { Scheme } from '../scheme/index.ts';
import type { CodegenOperator } from './operator.ts';
import type { CodegenOptions } from './options.ts';
import { cudaTarget } from './targets/cuda.ts';
import { generateFlipwalk, type FlipwalkOptions } from './targets/flipwalk.ts';
import { fmmTritonTarget } from './targets/fmm-triton.ts';
import { gpujsTarget } from './targets/gpujs.ts';
import { pytorchTarget } from './targets/pytorch.ts';
import { tritonTarget } from './targets/triton.ts';
import { tsTarget } from './targets/ts.ts';

/** One file of a target's output; `path` is relative to the output folder of a package target. */
export interface GeneratedFile {
  readonly path: string;
  readonly contents: string | Uint8Array;
}

/** What a target is given besides the operator. */
export interface TargetOptions extends CodegenOptions {
  /** The scheme `op` was read from, for targets that need its exact coefficients or metadata. */
  readonly scheme: Scheme<unknown>;
  /** Where the scheme came from (a file path), for targets that name their output after it. */
  readonly source?: string;
}

/**
 * A code generator of `stlkit codegen`. A target writes either one file (`package` false: the
 * output is that file, its conventional extension `extension`) or a package, a folder of files.
 * Each target lives in its own file under ./targets/, with the parts only it uses beside it
 * (named after it: cuda-fused.ts is the fused kernel inside the cuda target's .cu).
 */
export interface Target {
  readonly name: string;
  /** Conventional extension of a single-file target's output ('.cu'); '' for a package. */
  readonly extension: string;
  /** A few words for the CLI's help: what the output is. */
  readonly description: string;
  readonly package: boolean;
  /**
   * How the kernels round in --dtype: `storeProducts` when the r products pass through the format
   * before the decode (unfused kernels). null for targets computing in float32 (gpujs, ts), where
   * the CLI checks no conditioning.
   */
  readonly lowPrecision: { readonly storeProducts: boolean } | null;
  /** Validate what only this target needs (SchemeError with a message otherwise) and generate. */
  generate(op: CodegenOperator, options: TargetOptions): GeneratedFile[];
}

/** Every target, in the order the CLI lists them. */
export const TARGETS: readonly Target[] = [tritonTarget, cudaTarget, gpujsTarget, tsTarget, fmmTritonTarget, pytorchTarget];

/**
 * A generator driven by a matrix format instead of a scheme: a search program specialised to the
 * format (`stlkit codegen flipwalk --format n,m,p`). It always writes a package (a folder).
 */
export interface FormatTarget {
  readonly name: string;
  readonly description: string;
  generate(options: FlipwalkOptions): GeneratedFile[];
}

export const FORMAT_TARGETS: readonly FormatTarget[] = [
  { name: 'flipwalk', description: 'a CUDA C++ program of flip-graph walkers over Z2 for one format, also built for the host', generate: generateFlipwalk },
];

/** Scheme targets, then format targets. */
export const TARGET_NAMES: readonly string[] = [...TARGETS, ...FORMAT_TARGETS].map((t) => t.name);

/** The format target called `name`, or undefined. */
export function formatTargetNamed(name: string): FormatTarget | undefined {
  return FORMAT_TARGETS.find((t) => t.name === name);
}

/** The target called `name`, or undefined. */
export function targetNamed(name: string): Target | undefined {
  return TARGETS.find((t) => t.name === name);
}

/** The source text of a single-file target (a package target is an error here). */
export function generateSource(name: string, op: CodegenOperator, options: TargetOptions): string {
  const target = targetNamed(name);
  if (!target) throw new Error(`unknown codegen target ${name}`);
  if (target.package) throw new Error(`codegen target ${name} writes a package of files, not one source`);
  return fileText(target.generate(op, options)[0]);
}

/** A generated file's contents as text (UTF-8). */
export function fileText(f: GeneratedFile): string {
  return typeof f.contents === 'string' ? f.contents : Buffer.from(f.contents).toString('utf8');
}
