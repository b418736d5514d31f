import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemeName, type Scheme } from '../../scheme/index.ts';
import { writeSafetensors, type TensorToWrite } from '../../formats/safetensors.ts';
import { isotropicError } from '../../stl/error.ts';
import { encodersFromScheme, type StlEncoders } from '../../stl/operator.ts';

/**
 * `stlkit export pytorch`: a self-contained Python package (a folder to import; torch, and Triton
 * on CUDA machines, are all it needs) holding
 *  - stl_encoders.safetensors: E_X (r×t²), E_W (r×t²), D (t²×r) in float64 with t, r, the isotropic
 *    error and the source as metadata;
 *  - the Python modules of ./python/ (STLLinear, convert_linears, the Triton kernels, the plain-torch
 *    path), copied unchanged: the scheme enters only through the encoders file, which the kernels
 *    take as their coefficient operand.
 */
export const ENCODERS_FILE = 'stl_encoders.safetensors';
export const PYTHON_MODULES = ['__init__.py', 'encoders.py', 'tiles.py', 'triton_kernels.py', 'ops.py', 'layer.py', 'fitdata.py'] as const;

export interface ExportInfo {
  t: number;
  r: number;
  /** Exact "p/q" for rational schemes, else the float as a string. */
  isotropicError: string;
  isotropicErrorFloat: number;
  source: string;
  scheme: string;
  field: string;
}

/** The safetensors tensors for the encoders: float64, shapes as PyTorch will index them. */
export function encoderTensors(enc: StlEncoders & { r: number }): TensorToWrite[] {
  const t2 = enc.t * enc.t;
  return [
    { name: 'E_X', dtype: 'F64', shape: [enc.r, t2], data: enc.EX },
    { name: 'E_W', dtype: 'F64', shape: [enc.r, t2], data: enc.EW },
    { name: 'D', dtype: 'F64', shape: [t2, enc.r], data: enc.D },
  ];
}

/** safetensors "__metadata__" holds strings only; numbers are written in decimal. */
export function exportMetadata(info: ExportInfo): Record<string, string> {
  return {
    format: 'stlkit-stl-encoders-v1',
    layout: 'E_X r×t², E_W r×t², D t²×r; vec is row-major inside a t×t tile; STL(X,W) tile (i,j) = mat_t(D (E_X vec X_ik ⊙ E_W vec W_kj) summed over k)',
    t: String(info.t),
    r: String(info.r),
    isotropic_error: info.isotropicError,
    isotropic_error_float: String(info.isotropicErrorFloat),
    field: info.field,
    scheme: info.scheme,
    source: info.source,
  };
}

/** The text of one of the package's Python modules. */
export function pythonModule(name: (typeof PYTHON_MODULES)[number]): string {
  return readFileSync(new URL(`./python/${name}`, import.meta.url), 'utf8');
}

/** Write the package into `dir` (created if missing), each file via a temporary file and a rename. */
export function exportPytorch(s: Scheme<unknown>, dir: string, source: string): { files: string[]; info: ExportInfo } {
  const enc = encodersFromScheme(s);
  const e = isotropicError(s);
  const info: ExportInfo = {
    t: enc.t, r: enc.r, isotropicError: e.fraction ?? String(e.value), isotropicErrorFloat: e.value,
    source, scheme: schemeName(s), field: s.fieldTag,
  };
  const contents = new Map<string, string | Uint8Array>([[ENCODERS_FILE, writeSafetensors(encoderTensors(enc), exportMetadata(info))]]);
  for (const m of PYTHON_MODULES) contents.set(m, pythonModule(m));
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const [name, data] of contents) {
    const f = join(dir, name);
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, f);
    files.push(f);
  }
  return { files, info };
}
