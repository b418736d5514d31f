export * from './scheme.ts';
export * from './evaluate.ts';
export * from './compose.ts';
export * from './permute.ts';
export * from './counts.ts';
export * from './convert.ts';
export * from './matrix.ts';
export * from './basis.ts';
