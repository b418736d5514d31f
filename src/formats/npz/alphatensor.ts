import { basename } from '../../util/path.ts';
import { fieldOf, type Field, type FieldTag } from '../../field/index.ts';
import { makeScheme, type Scheme } from '../../scheme/index.ts';
import { asInputError, InputError } from '../errors.ts';
import type { ImportOptions, Importer } from '../importer.ts';
import { npyOffset, parseNpy, type NpyArray } from './npy.ts';
import { readZip } from './zip.ts';

/**
 * AlphaTensor's factorizations_{r,f2}.npz: one "n,m,p.npy" member per format. Square formats are a
 * (3, n·m, R) array; the others a pickled (3,) object array of u (n·m×R), v (m·p×R), w (p·n×R).
 * w is over Cᵀ (row k·n+i is C[i][k]); schemes here are over C, rows = products.
 */

type Format = [number, number, number];
type Fail = (msg: string) => never;

/** Every scheme in the file, keyed "n,m,p". Z2 for the mod-2 file (name contains "f2"), else Z or Q per member. */
export function readAlphaTensorNpz(data: Uint8Array, file: string, opts: ImportOptions = {}): Map<string, Scheme<unknown>> {
  const out = new Map<string, Scheme<unknown>>();
  for (const [name, bytes] of readZip(data, file)) {
    const format = memberFormat(name, file);
    out.set(format.join(), memberScheme(bytes, format, file, opts.field));
  }
  return out;
}

/** One scheme from the .npz: opts.format picks the member, since the file alone cannot. */
export const importAlphaTensorNpz: Importer = (data, file, opts = {}) => {
  const members = readZip(data, file);
  const formats = [...members.keys()].map((name) => memberFormat(name, file));
  const available = formats.map((f) => f.join(',')).join(' ');
  if (!opts.format) throw new InputError(file, '', `holds ${formats.length} schemes, one per format; choose one with --format n,m,p (available: ${available})`);
  const key = opts.format.join(',');
  const i = formats.findIndex((f) => f.join(',') === key);
  if (i < 0) throw new InputError(file, '', `has no scheme for format ${key} (available: ${available})`);
  return memberScheme([...members.values()][i], formats[i], file, opts.field);
};

function memberFormat(name: string, file: string): Format {
  const m = /^(\d+),(\d+),(\d+)\.npy$/.exec(name);
  if (!m) throw new InputError(file, `zip member "${name}"`, 'expected members named "n,m,p.npy" (AlphaTensor layout)');
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The mod-2 file says so only in its name (its entries are already 0/1). */
function defaultTag(file: string): FieldTag | undefined {
  return /f2/i.test(basename(file)) ? 'Z2' : undefined;
}

function memberScheme(bytes: Uint8Array, format: Format, file: string, tag?: FieldTag): Scheme<unknown> {
  const key = format.join(',');
  const where = `member ${key}`;
  const fail: Fail = (msg) => {
    throw new InputError(file, where, msg);
  };
  const [u, v, w] = factors(parseNpy(bytes, file, where), format, fail);
  const R = u.R;
  if (v.R !== R || w.R !== R) fail(`factors have different ranks: u ${R}, v ${v.R}, w ${w.R}`);
  const tagged = tag ?? defaultTag(file) ?? ([u, v, w].every((f) => f.vals.every(Number.isInteger)) ? 'Z' : 'Q');
  const meta = { source: `alphatensor ${basename(file)} ${key}` };
  try {
    const elem = elementOf(fieldOf(tagged));
    const [n, m, p] = format;
    // Row x of a factor, column t → U[t][x]; W's rows are over Cᵀ: x = i·p+k ↔ w row k·n+i.
    const U = transpose(u, n * m, (x) => x, elem);
    const V = transpose(v, m * p, (x) => x, elem);
    const W = transpose(w, n * p, (x) => (x % p) * n + Math.floor(x / p), elem);
    return makeScheme({ fieldTag: tagged, target: { kind: 'matmul', format }, U, V, W, meta });
  } catch (err) {
    return asInputError(file, where, err);
  }
}

/** Factor rows become scheme columns: out[t][x] = elem(f[row(x)][t]). Plain loops: this is the hot path. */
function transpose(f: Factor, len: number, row: (x: number) => number, elem: (x: number) => unknown): unknown[][] {
  const out: unknown[][] = [];
  for (let t = 0; t < f.R; t++) {
    const r = new Array<unknown>(len);
    for (let x = 0; x < len; x++) r[x] = elem(f.vals[row(x) * f.R + t]);
    out.push(r);
  }
  return out;
}

/** One element per distinct value: Fractions are immutable, and converting every entry would dominate the time. */
function elementOf(F: Field<unknown>): (x: number) => unknown {
  const cache = new Map<number, unknown>();
  return (x) => {
    let e = cache.get(x);
    if (e === undefined) cache.set(x, (e = Number.isInteger(x) ? F.fromInt(x) : F.fromRational(BigInt(x * 8), 8n)));
    return e;
  };
}

/** A factor as exact float64 values (integers or multiples of 1/8), row-major rows × R. */
interface Factor {
  vals: Float64Array;
  R: number;
}

/** The three factors, from either storage layout, with their row counts checked. */
function factors(arr: NpyArray, [n, m, p]: Format, fail: Fail): [Factor, Factor, Factor] {
  const want = [n * m, m * p, p * n];
  const check = (i: number, shape: number[]) => {
    if (shape.length !== 2 || shape[0] !== want[i]) fail(`factor ${'uvw'[i]} should be ${want[i]}×R, got shape (${shape})`);
  };
  if (arr.dtype === 'O') {
    if (arr.shape.join() !== '3') fail(`expected an object array of shape (3,), got (${arr.shape})`);
    return (arr.data as unknown[]).map((x, i) => {
      if (!isArray(x) || x.dtype === 'O') return fail(`element ${i} of the object array is not a numeric array`);
      check(i, x.shape);
      return { vals: exactValues(x, 'uvw'[i], fail), R: x.shape[1] };
    }) as [Factor, Factor, Factor];
  }
  // Only square formats fit one (3, n·m, R) array: n·m = m·p = p·n.
  if (arr.shape.length !== 3 || arr.shape[0] !== 3) fail(`expected shape (3, ${n * m}, R), got (${arr.shape})`);
  const [, rows, R] = arr.shape;
  [0, 1, 2].forEach((i) => check(i, [rows, R]));
  const all = exactValues(arr, 'array', fail);
  return [0, 1, 2].map((i) => ({ vals: all.subarray(i * rows * R, (i + 1) * rows * R), R })) as [Factor, Factor, Factor];
}

function isArray(x: unknown): x is NpyArray {
  return typeof x === 'object' && x !== null && 'dtype' in x && 'shape' in x && 'data' in x;
}

/**
 * Entries in C order as exact float64s. Integers beyond 2^53 and non-multiples of 1/8 are refused:
 * AlphaTensor's float64 members hold only multiples of 1/8, and anything else would need rounding.
 */
function exactValues(a: NpyArray, name: string, fail: Fail): Float64Array {
  const n = a.shape.reduce((x, y) => x * y, 1);
  const out = new Float64Array(n);
  const idx = a.shape.map(() => 0);
  for (let c = 0; c < n; c++) {
    const raw = a.data[a.fortranOrder ? npyOffset(a, idx) : c];
    const x = typeof raw === 'bigint' && raw >= -MAX && raw <= MAX ? Number(raw) : raw;
    if (typeof x !== 'number' || !Number.isFinite(x) || Math.abs(x) > Number.MAX_SAFE_INTEGER) fail(`${name}[${idx.join('][')}] = ${String(x)} is not a finite number below 2^53`);
    if (!Number.isInteger((x as number) * 8)) fail(`${name}[${idx.join('][')}] = ${x} is not a multiple of 1/8; refusing to round it`);
    out[c] = x as number;
    for (let d = idx.length - 1; d >= 0 && ++idx[d] === a.shape[d]; d--) idx[d] = 0;
  }
  return out;
}

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
