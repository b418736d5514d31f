import { InputError } from '../errors.ts';
import { halfToNumber, numberToHalf } from '../float16.ts';
import { unpickle, type PickledArray } from './pickle.ts';

/**
 * The .npy format (versions 1–3): magic, a Python-literal header dict, then the raw array, or for
 * object arrays a pickle of the whole array. Values are decoded into fresh typed arrays, which also
 * handles byte order and the unaligned offsets raw data has inside a file. writeNpy writes
 * numeric arrays as numpy does (version 1.0, little-endian, header padded to 64 bytes).
 */

export type NpyDtype = 'b1' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'f2' | 'f4' | 'f8' | 'O';

export type NpyData =
  | Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint16Array | Uint32Array | BigUint64Array | Float32Array | Float64Array | unknown[];

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** When true, `data` is in column-major order; use npyOffset to index. */
  fortranOrder: boolean;
  /**
   * b1 as 0/1 bytes; i8/u8 as bigint; f2 as the float64 values of the halves (JavaScript has no
   * float16 array), f4 as Float32Array; object arrays hold NpyArray for nested arrays.
   */
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parse one .npy file; `where` names it inside a container (e.g. a zip member) for errors. */
export function parseNpy(bytes: Uint8Array, file: string, where = 'npy'): NpyArray {
  const fail = (msg: string): never => {
    throw new InputError(file, where, msg);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail(bytes.length < 10 ? 'truncated .npy (no header)' : 'not a .npy array (bad magic)');
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`unsupported .npy version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail('truncated .npy header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes + headerLen;
  if (start > bytes.length) fail(`truncated .npy header (needs ${start} bytes, has ${bytes.length})`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenBytes, start));
  const { descr, fortranOrder, shape } = parseHeader(header, fail);
  const [dtype, little] = parseDescr(descr, fail);
  const body = bytes.subarray(start);
  if (dtype !== 'O') return { dtype, shape, fortranOrder, data: decodeRaw(dtype, little, body, count(shape), fail) };
  const arr = fromPickled(unpickle(body, file, `${where} pickle`), fail);
  if (arr.shape.join() !== shape.join()) fail(`pickled array has shape (${arr.shape}) but the header says (${shape})`);
  return arr;
}

/** The header is a Python dict literal; these three keys are all numpy writes. */
function parseHeader(h: string, fail: (m: string) => never) {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(h);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(h);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(h);
  if (!descr) fail(`.npy header has no simple 'descr' (structured dtypes are not supported): ${h.trim()}`);
  if (!fortran || !shape) fail(`.npy header lacks 'fortran_order' or 'shape': ${h.trim()}`);
  const dims = shape![1].split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!dims.every((d) => /^\d+$/.test(d))) fail(`bad shape (${shape![1]}) in .npy header`);
  return { descr: descr![1], fortranOrder: fortran![1] === 'True', shape: dims.map(Number) };
}

/** "<i8" → ["i8", little-endian]; object arrays are "|O" in headers and "O8" in pickles. */
export function parseDescr(descr: string, fail: (m: string) => never): [NpyDtype, boolean] {
  const m = /^([<>|=]?)([biufO])(\d*)$/.exec(descr);
  const t = m ? (m[2] === 'O' ? 'O' : m[2] + m[3]) : '';
  const known = ['b1', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'f2', 'f4', 'f8', 'O'];
  if (!m || !known.includes(t) || (t === 'O' && m[3] !== '' && m[3] !== '8')) {
    return fail(`unsupported dtype "${descr}" (supported: |b1, <i1…<i8, <u1…<u8, <f2, <f4, <f8, |O)`);
  }
  return [t as NpyDtype, m[1] !== '>'];
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export const NPY_SIZE: Record<Exclude<NpyDtype, 'O'>, number> = { b1: 1, i1: 1, u1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8, f2: 2, f4: 4, f8: 8 };

/** Raw little- or big-endian bytes → a typed array of exactly `n` elements. */
export function decodeRaw(dtype: Exclude<NpyDtype, 'O'>, little: boolean, raw: Uint8Array, n: number, fail: (m: string) => never): NpyData {
  const size = NPY_SIZE[dtype];
  if (raw.length < n * size) fail(`truncated array data: ${n} × ${dtype} needs ${n * size} bytes, has ${raw.length}`);
  if (raw.length > n * size) fail(`array data has ${raw.length - n * size} extra bytes after ${n} × ${dtype}`);
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const fill = <T extends { [i: number]: number | bigint }>(out: T, read: (o: number) => number | bigint): T => {
    for (let i = 0; i < n; i++) out[i] = read(i * size);
    return out;
  };
  switch (dtype) {
    case 'b1': return fill(new Uint8Array(n), (o) => (raw[o] ? 1 : 0));
    case 'u1': return raw.slice();
    case 'i1': return fill(new Int8Array(n), (o) => v.getInt8(o));
    case 'i2': return fill(new Int16Array(n), (o) => v.getInt16(o, little));
    case 'u2': return fill(new Uint16Array(n), (o) => v.getUint16(o, little));
    case 'i4': return fill(new Int32Array(n), (o) => v.getInt32(o, little));
    case 'u4': return fill(new Uint32Array(n), (o) => v.getUint32(o, little));
    case 'i8': return fill(new BigInt64Array(n), (o) => v.getBigInt64(o, little));
    case 'u8': return fill(new BigUint64Array(n), (o) => v.getBigUint64(o, little));
    case 'f2': return fill(new Float64Array(n), (o) => halfToNumber(v.getUint16(o, little)));
    case 'f4': return fill(new Float32Array(n), (o) => v.getFloat32(o, little));
    case 'f8': return fill(new Float64Array(n), (o) => v.getFloat64(o, little));
  }
}

function isPickledArray(x: unknown): x is PickledArray {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'ndarray';
}

/** Turn an unpickled ndarray (and any arrays nested in an object array) into NpyArrays. */
export function fromPickled(x: unknown, fail: (m: string) => never): NpyArray {
  if (!isPickledArray(x) || !x.dtype) return fail('pickle does not hold a numpy array');
  const [dtype, little] = parseDescr(x.dtype.byteorder + x.dtype.descr, fail);
  const n = count(x.shape);
  if (dtype === 'O') {
    if (!Array.isArray(x.data) || x.data.length !== n) fail(`object array of shape (${x.shape}) needs ${n} elements`);
    const data = (x.data as unknown[]).map((e) => (isPickledArray(e) ? fromPickled(e, fail) : e));
    return { dtype, shape: x.shape, fortranOrder: x.fortranOrder, data };
  }
  if (!(x.data instanceof Uint8Array)) return fail(`array of dtype ${dtype} must carry raw bytes`);
  return { dtype, shape: x.shape, fortranOrder: x.fortranOrder, data: decodeRaw(dtype, little, x.data, n, fail) };
}

/** Flat position of a multi-index, honouring fortran_order. */
export function npyOffset(a: NpyArray, idx: readonly number[]): number {
  let off = 0;
  if (a.fortranOrder) for (let d = a.shape.length - 1; d >= 0; d--) off = off * a.shape[d] + idx[d];
  else for (let d = 0; d < a.shape.length; d++) off = off * a.shape[d] + idx[d];
  return off;
}

/** A numeric array to write: values in C order, or column-major with fortranOrder. */
export interface NpyToWrite {
  dtype: Exclude<NpyDtype, 'O'>;
  shape: readonly number[];
  data: ArrayLike<number> | ArrayLike<bigint>;
  fortranOrder?: boolean;
}

const INT_RANGE: Partial<Record<NpyDtype, [bigint, bigint]>> = {
  i1: [-(2n ** 7n), 2n ** 7n - 1n], i2: [-(2n ** 15n), 2n ** 15n - 1n], i4: [-(2n ** 31n), 2n ** 31n - 1n], i8: [-(2n ** 63n), 2n ** 63n - 1n],
  u1: [0n, 2n ** 8n - 1n], u2: [0n, 2n ** 16n - 1n], u4: [0n, 2n ** 32n - 1n], u8: [0n, 2n ** 64n - 1n], b1: [0n, 1n],
};

/**
 * The bytes of a .npy file as numpy.save writes them: version 1.0, the header dict padded with
 * spaces to a multiple of 64 bytes, then the values little-endian. Floats are rounded to the dtype
 * once, to nearest (f2, f4); integers must fit the dtype exactly, or this throws a RangeError.
 */
export function writeNpy(a: NpyToWrite): Uint8Array {
  const n = count(a.shape);
  if (a.data.length !== n) throw new RangeError(`shape (${a.shape.join(', ')}) needs ${n} values, got ${a.data.length}`);
  const byteOrder = NPY_SIZE[a.dtype] === 1 ? '|' : '<';
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let dict = `{'descr': '${byteOrder}${a.dtype}', 'fortran_order': ${a.fortranOrder ? 'True' : 'False'}, 'shape': ${shape}, }`;
  // numpy pads so that magic (6) + version (2) + length (2) + dict + '\n' ends on a 64-byte boundary,
  // adding a full 64 when it already would.
  dict += ' '.repeat(64 - ((10 + dict.length + 1) % 64)) + '\n';
  if (dict.length > 0xffff) throw new RangeError(`.npy header of ${dict.length} bytes does not fit version 1.0`);
  const size = NPY_SIZE[a.dtype];
  const out = new Uint8Array(10 + dict.length + n * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, dict.length & 0xff, dict.length >> 8]);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  const v = new DataView(out.buffer, 10 + dict.length);
  const range = INT_RANGE[a.dtype];
  for (let i = 0; i < n; i++) {
    const x = a.data[i], o = i * size;
    if (range) {
      const b = typeof x === 'bigint' ? x : Number.isInteger(x) ? BigInt(x) : null;
      if (b === null || b < range[0] || b > range[1]) throw new RangeError(`value ${x} at ${i} is not a ${a.dtype} integer`);
      if (size === 8) {
        if (a.dtype === 'i8') v.setBigInt64(o, b, true);
        else v.setBigUint64(o, b, true);
      } else {
        const k = Number(b);
        if (size === 1) v.setUint8(o, k & 0xff);
        else if (size === 2) v.setUint16(o, k & 0xffff, true);
        else v.setUint32(o, k >>> 0, true);
      }
      continue;
    }
    const f = Number(x);
    if (a.dtype === 'f8') v.setFloat64(o, f, true);
    else if (a.dtype === 'f4') v.setFloat32(o, f, true);
    else v.setUint16(o, numberToHalf(f), true);
  }
  return out;
}
