export * from './brent.ts';
export * from './report.ts';
export * from './labels.ts';
