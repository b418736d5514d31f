import { Fraction, parseRational, FieldError, describe } from '../field/index.ts';
import { makeTensor, TensorError, type Tensor } from './tensor.ts';
import { matmulTensor, matmulTensorTransposedC } from './matmul.ts';
import { cyclicConvTensor, polymulTensor } from './polynomial.ts';
import { groupAlgebraTensor, groupFromPermutations, groupFromTable, namedGroup } from './group.ts';

/**
 * What a scheme computes, in a form that fits in JSON. Matrix multiplication is the default
 * (scheme JSON's "format"); the others go in an optional "tensor" field.
 */
export type TargetSpec =
  | { kind: 'matmul'; format: [number, number, number]; transposedC?: boolean }
  | { kind: 'polymul'; degrees: [number, number] }
  | { kind: 'cyclic-convolution'; length: number }
  | { kind: 'group-algebra'; group: string }
  | { kind: 'group-algebra'; cayley: number[][]; name?: string }
  | { kind: 'group-algebra'; generators: number[][]; name?: string }
  | { kind: 'table'; dims: [number, number, number]; entries: [number, number, number, number | string][]; name?: string };

export function targetTensor(spec: TargetSpec): Tensor {
  switch (spec.kind) {
    case 'matmul': {
      const [n, m, p] = spec.format;
      return spec.transposedC ? matmulTensorTransposedC(n, m, p) : matmulTensor(n, m, p);
    }
    case 'polymul':
      return polymulTensor(spec.degrees[0], spec.degrees[1]);
    case 'cyclic-convolution':
      return cyclicConvTensor(spec.length);
    case 'group-algebra': {
      if ('group' in spec) return groupAlgebraTensor(namedGroup(spec.group));
      if ('cayley' in spec) return groupAlgebraTensor(groupFromTable(spec.cayley, spec.name));
      return groupAlgebraTensor(groupFromPermutations(spec.generators, spec.name));
    }
    case 'table':
      return tableTensor(spec);
  }
}

/** A bilinear map given as a JSON table of nonzero entries [i, j, k, value] (0-based). */
export function tableTensor(spec: { dims: [number, number, number]; entries: [number, number, number, number | string][]; name?: string }): Tensor {
  const raw = spec.entries.map((e, x) => {
    if (!Array.isArray(e) || e.length !== 4) throw new TensorError(`entries[${x}]: expected [i, j, k, value], got ${describe(e)}`);
    try {
      const [n, d] = parseRational(e[3]);
      return { i: e[0], j: e[1], k: e[2], v: new Fraction(n, d) };
    } catch (err) {
      if (err instanceof FieldError) throw new TensorError(`entries[${x}]: ${err.message}`);
      throw err;
    }
  });
  return makeTensor(spec.dims, raw, spec.name ?? 'table');
}

export function describeTarget(spec: TargetSpec): string {
  switch (spec.kind) {
    case 'matmul':
      return `<${spec.format.join(',')}>${spec.transposedC ? 'ᵀ' : ''}`;
    case 'polymul':
      return `polymul(${spec.degrees.join(',')})`;
    case 'cyclic-convolution':
      return `cconv(${spec.length})`;
    case 'group-algebra':
      return 'group' in spec ? `F[${spec.group}]` : `F[${spec.name ?? 'G'}]`;
    case 'table':
      return spec.name ?? `table ${spec.dims.join('×')}`;
  }
}

/** The (a, b, c) sizes of the target without building it (used to check factor row lengths). */
export function targetDims(spec: TargetSpec): [number, number, number] {
  switch (spec.kind) {
    case 'matmul': {
      const [n, m, p] = spec.format;
      return [n * m, m * p, n * p];
    }
    case 'polymul':
      return [spec.degrees[0] + 1, spec.degrees[1] + 1, spec.degrees[0] + spec.degrees[1] + 1];
    case 'cyclic-convolution':
      return [spec.length, spec.length, spec.length];
    case 'table':
      return [...spec.dims];
    case 'group-algebra': {
      const T = targetTensor(spec);
      return [...T.dims];
    }
  }
}
