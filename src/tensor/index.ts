export * from './tensor.ts';
export * from './matmul.ts';
export * from './polynomial.ts';
export * from './group.ts';
export * from './target.ts';
