export * from './brent.ts';
export * from './labels.ts';
