import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { InputError } from './errors.ts';
import { bfloat16ToNumber, halfToNumber } from './float16.ts';

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length n, n bytes of JSON
 * {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, then the
 * raw little-endian tensor bytes; offsets are relative to the start of that byte buffer. Like the
 * reference implementation, the reader insists that the tensors tile the buffer with no holes or
 * overlaps, so a truncated or padded file is an error and not silently misread.
 */

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

const SIZE: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1 };
const isDtype = (x: unknown): x is SafetensorsDtype => typeof x === 'string' && Object.hasOwn(SIZE, x);

/** The reference implementation refuses headers above 100 MB; so does this one. */
const MAX_HEADER = 100_000_000;

export interface SafeTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Values decoded to float64, row-major (I64/U64 beyond 2^53 round). */
  data: Float64Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

function decode(dtype: SafetensorsDtype, raw: Uint8Array, n: number): Float64Array {
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(n);
  const size = SIZE[dtype];
  const read: (o: number) => number = {
    F64: (o: number) => v.getFloat64(o, true),
    F32: (o: number) => v.getFloat32(o, true),
    F16: (o: number) => halfToNumber(v.getUint16(o, true)),
    BF16: (o: number) => bfloat16ToNumber(v.getUint16(o, true)),
    I64: (o: number) => Number(v.getBigInt64(o, true)),
    U64: (o: number) => Number(v.getBigUint64(o, true)),
    I32: (o: number) => v.getInt32(o, true),
    U32: (o: number) => v.getUint32(o, true),
    I16: (o: number) => v.getInt16(o, true),
    U16: (o: number) => v.getUint16(o, true),
    I8: (o: number) => v.getInt8(o),
    U8: (o: number) => v.getUint8(o),
    BOOL: (o: number) => (v.getUint8(o) ? 1 : 0),
  }[dtype];
  for (let i = 0; i < n; i++) out[i] = read(i * size);
  return out;
}

/** Parse a whole .safetensors file; errors name the file and the tensor. */
export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsFile {
  const fail = (where: string, msg: string): never => {
    throw new InputError(file, where, msg);
  };
  if (bytes.length < 8) fail('', `too short for a .safetensors file (${bytes.length} bytes, the header length alone is 8)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) fail('header', `header length ${n} is over the 100 MB limit (not a .safetensors file?)`);
  if (8n + n > BigInt(bytes.length)) fail('header', `header length ${n} runs past the end of the file (${bytes.length} bytes): truncated?`);
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + Number(n)));
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    fail('header', `invalid JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return fail('header', 'expected a JSON object');
  const buffer = bytes.subarray(8 + Number(n));
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, SafeTensor>();
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail('__metadata__', 'expected an object of strings');
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k}`, `expected a string, got ${typeof v}`);
        metadata[k] = v as string;
      }
      continue;
    }
    const where = `tensor "${name}"`;
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e === null || typeof e !== 'object') fail(where, 'expected {dtype, shape, data_offsets}');
    if (!isDtype(e.dtype)) fail(where, `unsupported dtype ${JSON.stringify(e.dtype)} (supported: ${Object.keys(SIZE).join(', ')})`);
    const dtype = e.dtype as SafetensorsDtype;
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(where, `bad shape ${JSON.stringify(e.shape)}`);
    const shape = e.shape as number[];
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1]) fail(where, `bad data_offsets ${JSON.stringify(off)}`);
    const [begin, end] = off as [number, number];
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * SIZE[dtype]) fail(where, `data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${dtype} of shape [${shape}] needs ${count * SIZE[dtype]}`);
    if (end > buffer.length) fail(where, `data ends at byte ${end} of a ${buffer.length}-byte data section: truncated?`);
    spans.push([begin, end, name]);
    tensors.set(name, { name, dtype, shape, data: decode(dtype, buffer.subarray(begin, end), count) });
  }
  spans.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let at = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== at) fail(`tensor "${name}"`, begin < at ? `data overlaps the previous tensor (starts at ${begin}, previous ends at ${at})` : `a gap of ${begin - at} bytes before its data`);
    at = end;
  }
  if (at !== buffer.length) fail('', `${buffer.length - at} bytes after the last tensor's data`);
  return { tensors, metadata };
}

export function readSafetensorsFile(path: string): SafetensorsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(path, '', code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (err as Error).message})`);
  }
  return parseSafetensors(bytes, path);
}

export interface TensorToWrite {
  name: string;
  dtype: 'F64' | 'F32';
  shape: number[];
  data: ArrayLike<number>;
}

/**
 * Serialise tensors. The header is padded with spaces to a multiple of 8 bytes and tensors are laid
 * out widest dtype first, then by name (as the reference writer does), so every tensor's data is
 * aligned to its element size within the file.
 */
export function writeSafetensors(tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): Uint8Array {
  const names = new Set<string>();
  for (const t of tensors) {
    if (t.name === '__metadata__' || names.has(t.name)) throw new Error(`tensor name "${t.name}" is reserved or repeated`);
    names.add(t.name);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor "${t.name}": shape [${t.shape}] needs ${count} values, got ${t.data.length}`);
  }
  const order = [...tensors].sort((x, y) => SIZE[y.dtype] - SIZE[x.dtype] || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of order) {
    const size = t.data.length * SIZE[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of order) {
    for (let i = 0; i < t.data.length; i++, at += SIZE[t.dtype]) {
      if (t.dtype === 'F64') view.setFloat64(at, t.data[i], true);
      else view.setFloat32(at, t.data[i], true);
    }
  }
  return out;
}

/** Write via a temporary file and rename, so a reader never sees half a file. */
export function writeSafetensorsFile(path: string, tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, writeSafetensors(tensors, metadata));
  renameSync(tmp, path);
}
