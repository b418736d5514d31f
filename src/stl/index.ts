/**
 * The Strassen-Tile operator (shared/docs/stl.md): the float64 reference operator, its cost model,
 * error measures and worst-case bound, matrix input, and the PyTorch export. The gpu.js kernels
 * are a codegen target (src/codegen/targets/gpujs.ts).
 */
export * from './matrix.ts';
export * from './tiles.ts';
export * from './operator.ts';
export * from './cost.ts';
export * from './error.ts';
export * from './bound.ts';
export * from './data.ts';
export * from './pytorch.ts';
