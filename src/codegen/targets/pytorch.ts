import { readFileSync } from 'node:fs';
import { writeSafetensors, type TensorToWrite } from '../../formats/safetensors.ts';
import { isotropicError } from '../../stl/error.ts';
import type { CodegenOperator } from '../operator.ts';
import type { GeneratedFile, Target, TargetOptions } from '../registry.ts';

/**
 * `stlkit export pytorch` (and `stlkit codegen pytorch`): a self-contained Python package, a folder
 * to import that needs torch, and Triton on CUDA machines, and nothing of stlkit:
 *  - stl_encoders.safetensors: E_X (r×t²), E_W (r×t²), D (t²×r) in float64, with t, r, the isotropic
 *    error and the source as metadata;
 *  - the Python modules of ./pytorch/ (STLLinear, convert_linears, the differentiable operators, the
 *    Triton kernels, the plain-torch path), copied unchanged. The scheme enters only through the
 *    encoders file: the kernels mix tiles on the tensor cores, with the coefficients as an operand
 *    (see pytorch/triton_kernels.py for why not FMAs with the coefficients baked in).
 */
export const ENCODERS_FILE = 'stl_encoders.safetensors';
export const PYTHON_MODULES = ['__init__.py', 'encoders.py', 'tiles.py', 'triton_kernels.py', 'ops.py', 'layer.py', 'fitdata.py'] as const;

export const pytorchTarget: Target = {
  name: 'pytorch',
  extension: '',
  description: 'a Python package: STLLinear and convert_linears, forward and backward on Triton kernels (plain torch on the CPU)',
  package: true,
  // X̂ and Ẑ are stored in the data type between the stages (unfused), as in the triton target.
  lowPrecision: { storeProducts: true },
  generate: (op, o) => pytorchPackage(op, o),
};

/** The safetensors tensors for the encoders: float64, shapes as PyTorch will index them. */
export function encoderTensors(op: CodegenOperator): TensorToWrite[] {
  const t2 = op.t * op.t;
  const flat = (M: number[][]) => Float64Array.from(M.flat());
  return [
    { name: 'E_X', dtype: 'F64', shape: [op.r, t2], data: flat(op.EX) },
    { name: 'E_W', dtype: 'F64', shape: [op.r, t2], data: flat(op.EW) },
    { name: 'D', dtype: 'F64', shape: [t2, op.r], data: flat(op.D) },
  ];
}

/** safetensors "__metadata__" holds strings only; the isotropic error is exact ("p/q") for rational schemes. */
export function exportMetadata(op: CodegenOperator, o: TargetOptions): Record<string, string> {
  const e = isotropicError(o.scheme);
  return {
    format: 'stlkit-stl-encoders-v1',
    layout: 'E_X r×t², E_W r×t², D t²×r; vec is row-major inside a t×t tile; STL(X,W) tile (i,j) = mat_t(D (E_X vec X_ik ⊙ E_W vec W_kj) summed over k)',
    t: String(op.t),
    r: String(op.r),
    isotropic_error: e.fraction ?? String(e.value),
    isotropic_error_float: String(e.value),
    field: op.field,
    scheme: op.name,
    source: o.source ?? op.source,
  };
}

/** The text of one of the package's Python modules. */
export function pythonModule(name: (typeof PYTHON_MODULES)[number]): string {
  return readFileSync(new URL(`./pytorch/${name}`, import.meta.url), 'utf8');
}

export function pytorchPackage(op: CodegenOperator, o: TargetOptions): GeneratedFile[] {
  return [
    { path: ENCODERS_FILE, contents: writeSafetensors(encoderTensors(op), exportMetadata(op, o)) },
    ...PYTHON_MODULES.map((m) => ({ path: m, contents: pythonModule(m) })),
  ];
}
