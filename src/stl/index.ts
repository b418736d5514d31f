/**
 * The Strassen-Tile operator (shared/docs/stl.md): the float64 reference operator, its cost model,
 * error measures and worst-case bound, matrix input. The gpu.js kernels and the PyTorch package
 * are codegen targets (src/codegen/targets/gpujs.ts, pytorch.ts).
 */
export * from './matrix.ts';
export * from './tiles.ts';
export * from './operator.ts';
export * from './cost.ts';
export * from './error.ts';
export * from './bound.ts';
export * from './data.ts';
