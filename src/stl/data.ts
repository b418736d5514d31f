import { readFileSync } from 'node:fs';
import { InputError } from '../formats/errors.ts';
import { parseNpy, type NpyArray } from '../formats/npz/npy.ts';
import { readSafetensorsFile } from '../formats/safetensors.ts';
import { transpose, type Matrix } from './matrix.ts';

/**
 * Matrices for the empirical error: a 2-D array from .npy (float64, float32, float16 or integer;
 * C or Fortran order) or a tensor of a .safetensors file, given as "FILE.safetensors:NAME" (the
 * name may be left off when the file holds exactly one 2-D tensor).
 */
export function readMatrixFile(spec: string): Matrix {
  const m = /^(.*\.safetensors):(.+)$/i.exec(spec);
  if (m || /\.safetensors$/i.test(spec)) return fromSafetensors(m ? m[1] : spec, m?.[2]);
  if (/\.npy$/i.test(spec)) return fromNpy(spec);
  throw new InputError(spec, '', 'expected a .npy file or FILE.safetensors[:TENSOR]');
}

function fromSafetensors(file: string, name: string | undefined): Matrix {
  const { tensors } = readSafetensorsFile(file);
  let t = name === undefined ? undefined : tensors.get(name);
  if (name === undefined) {
    const twoD = [...tensors.values()].filter((x) => x.shape.length === 2);
    if (twoD.length !== 1) throw new InputError(file, '', `holds ${twoD.length} 2-D tensors${twoD.length ? ` (${twoD.map((x) => x.name).join(', ')})` : ''}; name one as ${file}:NAME`);
    t = twoD[0];
  }
  if (!t) throw new InputError(file, `tensor "${name}"`, `not in the file; it holds ${[...tensors.keys()].join(', ') || 'no tensors'}`);
  if (t.shape.length !== 2) throw new InputError(file, `tensor "${t.name}"`, `expected a 2-D tensor, got shape [${t.shape}]`);
  return { rows: t.shape[0], cols: t.shape[1], data: t.data };
}

function fromNpy(file: string): Matrix {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, '', code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (err as Error).message})`);
  }
  const arr = parseNpy(bytes, file);
  if (arr.dtype === 'O') throw new InputError(file, 'npy', 'object arrays are not matrices');
  if (arr.shape.length !== 2) throw new InputError(file, 'npy', `expected a 2-D array, got shape (${arr.shape.join(', ')})`);
  const values = toFloat64(arr);
  const [rows, cols] = arr.shape;
  if (!arr.fortranOrder) return { rows, cols, data: values };
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = values[j * rows + i];
  return { rows, cols, data };
}

function toFloat64(arr: NpyArray): Float64Array {
  const src = arr.data;
  if (src instanceof Float64Array) return src;
  if (src instanceof BigInt64Array || src instanceof BigUint64Array) return Float64Array.from(src, (x) => Number(x));
  return Float64Array.from(src as ArrayLike<number>);
}

const shape = (m: Matrix) => `${m.rows}×${m.cols}`;

/**
 * The operands X (M×N) and W (N×P) of a product XW, from the files of `--data X W` (see
 * readMatrixFile); with transposeW, W is stored P×N, as an nn.Linear weight. Throws an InputError
 * when a file cannot be read, or one naming both files when the inner sizes differ.
 */
export function readOperands(xFile: string, wFile: string, opts: { transposeW?: boolean } = {}): { X: Matrix; W: Matrix } {
  const X = readMatrixFile(xFile);
  const W0 = readMatrixFile(wFile);
  const W = opts.transposeW ? transpose(W0) : W0;
  if (X.cols !== W.rows) {
    throw new InputError('--data', '', `X (${xFile}) is ${shape(X)} and W (${wFile}) is ${shape(W)}; the inner sizes differ${opts.transposeW ? '' : ' (an nn.Linear weight needs --transpose-w)'}`);
  }
  return { X, W };
}
