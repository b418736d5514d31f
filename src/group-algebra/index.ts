export * from './tpp.ts';
export * from './embedsearch.ts';
export { fourierScheme, groupForName, directProduct, dftGaussian, dftReal, type FourierAlgorithm, type FourierOptions } from './fourier/index.ts';
