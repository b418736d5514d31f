import { InputError } from '../errors.ts';

/**
 * A minimal pickle VM for numpy object arrays (protocols 2–4). It builds plain data only: the three
 * numpy globals an array pickle names are interpreted here, never looked up or called, and every
 * other global is refused, so a hostile file cannot run code. Python tuples and lists both become
 * JS arrays; ints become numbers (bigint when beyond 2^53), str → string, bytes → Uint8Array.
 */

/** numpy.dtype as pickled: a type string like "i8" or "O8"; BUILD supplies the byte order. */
export interface PickledDtype {
  readonly kind: 'dtype';
  readonly descr: string;
  byteorder: string;
}

/** numpy.ndarray as pickled: raw bytes for plain dtypes, a list of elements for object arrays. */
export interface PickledArray {
  readonly kind: 'ndarray';
  shape: number[];
  dtype: PickledDtype | null;
  fortranOrder: boolean;
  data: Uint8Array | unknown[];
}

type Callable = 'reconstruct' | 'ndarray' | 'dtype';

/** The only globals allowed; both spellings of the multiarray module (numpy 1 and numpy 2). */
const ALLOWED: Record<string, Callable> = {
  'numpy.core.multiarray._reconstruct': 'reconstruct',
  'numpy._core.multiarray._reconstruct': 'reconstruct',
  'numpy.ndarray': 'ndarray',
  'numpy.dtype': 'dtype',
};

class Global {
  constructor(readonly callable: Callable) {}
}

/** Cursor over the pickle bytes; every read checks bounds so truncation is reported, not misread. */
class Reader {
  pos = 0;
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly fail: (msg: string) => never) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number): number {
    if (this.pos + n > this.bytes.length) this.fail(`truncated pickle (needs ${n} more bytes at byte ${this.pos})`);
    const p = this.pos;
    this.pos += n;
    return p;
  }
  u8 = () => this.bytes[this.need(1)];
  u16 = () => this.view.getUint16(this.need(2), true);
  i32 = () => this.view.getInt32(this.need(4), true);
  u32 = () => this.view.getUint32(this.need(4), true);
  u64(): number {
    const v = this.view.getBigUint64(this.need(8), true);
    if (v > BigInt(this.bytes.length)) this.fail(`length ${v} at byte ${this.pos - 8} exceeds the pickle (truncated?)`);
    return Number(v);
  }
  take = (n: number) => this.bytes.subarray(this.need(n), this.pos);
  text = (n: number) => new TextDecoder('utf-8', { fatal: true }).decode(this.take(n));
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail(`truncated pickle (unterminated line at byte ${this.pos})`);
    return this.text(end - this.pos + 1).slice(0, -1);
  }
}

/** Decode a pickle into plain values; numpy arrays come back as PickledArray. */
export function unpickle(bytes: Uint8Array, file: string, where = 'pickle'): unknown {
  const fail = (msg: string): never => {
    throw new InputError(file, where, msg);
  };
  const r = new Reader(bytes, fail);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const pop = () => (stack.length ? stack.pop() : fail(`pickle stack underflow at byte ${r.pos - 1}`));
  const top = () => (stack.length ? stack[stack.length - 1] : fail(`pickle stack underflow at byte ${r.pos - 1}`));
  const popMark = () => {
    const m = marks.pop();
    if (m === undefined) fail(`pickle MARK missing before byte ${r.pos - 1}`);
    return stack.splice(m as number);
  };
  const get = (i: number) => (memo.has(i) ? memo.get(i) : fail(`pickle memo ${i} is not set (byte ${r.pos})`));
  const list = () => {
    const l = top();
    return Array.isArray(l) ? l : fail(`pickle APPEND on a non-list at byte ${r.pos - 1}`);
  };
  for (;;) {
    const at = r.pos;
    const op = r.u8();
    switch (op) {
      case 0x80: r.u8(); break; // PROTO: the opcodes themselves say all we need
      case 0x95: r.u64(); break; // FRAME: framing only, the bytes follow inline
      case 0x2e: return stack.length === 1 ? stack[0] : fail(`pickle ends with ${stack.length} values on the stack, expected 1`);
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(), b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { const x = pop(); list().push(x); break; } // APPEND
      case 0x65: { const xs = popMark(); list().push(...xs); break; } // APPENDS
      case 0x71: memo.set(r.u8(), top()); break; // BINPUT
      case 0x72: memo.set(r.u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(get(r.u8())); break; // BINGET
      case 0x6a: stack.push(get(r.u32())); break; // LONG_BINGET
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(r.i32()); break; // BININT
      case 0x4b: stack.push(r.u8()); break; // BININT1
      case 0x4d: stack.push(r.u16()); break; // BININT2
      case 0x8a: stack.push(long1(r.take(r.u8()))); break; // LONG1
      case 0x47: stack.push(r.view.getFloat64(r.need(8), false)); break; // BINFLOAT (big-endian)
      case 0x8c: stack.push(r.text(r.u8())); break; // SHORT_BINUNICODE
      case 0x58: stack.push(r.text(r.u32())); break; // BINUNICODE
      case 0x8d: stack.push(r.text(r.u64())); break; // BINUNICODE8
      case 0x43: stack.push(r.take(r.u8())); break; // SHORT_BINBYTES
      case 0x42: stack.push(r.take(r.u32())); break; // BINBYTES
      case 0x8e: stack.push(r.take(r.u64())); break; // BINBYTES8
      case 0x63: stack.push(global(r.line(), r.line(), fail)); break; // GLOBAL
      case 0x93: { const name = pop(), mod = pop(); stack.push(global(mod, name, fail)); break; } // STACK_GLOBAL
      case 0x52: { const args = pop(); stack.push(reduce(pop(), args, fail)); break; } // REDUCE
      case 0x62: { const state = pop(); build(top(), state, fail); break; } // BUILD
      default:
        fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at} (only what numpy object arrays use)`);
    }
  }
}

/** Signed little-endian two's complement, as LONG1 stores it. */
function long1(b: Uint8Array): number | bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (b.length && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function global(mod: unknown, name: unknown, fail: (m: string) => never): Global {
  const key = `${String(mod)}.${String(name)}`;
  const c = typeof mod === 'string' && typeof name === 'string' ? ALLOWED[key] : undefined;
  if (!c) fail(`refusing pickle global ${key}: only ${Object.keys(ALLOWED).join(', ')} are allowed (a pickle must not run code)`);
  return new Global(c as Callable);
}

function reduce(fn: unknown, args: unknown, fail: (m: string) => never): unknown {
  if (!(fn instanceof Global) || !Array.isArray(args)) return fail('pickle REDUCE needs an allowed global and an argument tuple');
  if (fn.callable === 'reconstruct') {
    // _reconstruct(ndarray, shape, typecode) makes an empty array that BUILD then fills.
    if (!(args[0] instanceof Global) || args[0].callable !== 'ndarray') fail('_reconstruct must be called with numpy.ndarray');
    const a: PickledArray = { kind: 'ndarray', shape: [0], dtype: null, fortranOrder: false, data: [] };
    return a;
  }
  if (fn.callable === 'dtype') {
    if (typeof args[0] !== 'string') fail(`numpy.dtype needs a type string, got ${typeof args[0]}`);
    const d: PickledDtype = { kind: 'dtype', descr: args[0] as string, byteorder: '|' };
    return d;
  }
  return fail('numpy.ndarray cannot be called directly in a pickle');
}

function isObj<K extends string>(x: unknown, kind: K): x is { kind: K } {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === kind;
}

/** ndarray.__setstate__ and dtype.__setstate__, reduced to the fields a reader needs. */
function build(obj: unknown, state: unknown, fail: (m: string) => never): void {
  if (!Array.isArray(state)) return fail('pickle BUILD state must be a tuple');
  if (isObj(obj, 'dtype')) {
    // (version, byteorder, subarray, names, fields, elsize, alignment, flags)
    if (typeof state[1] !== 'string') fail('dtype state has no byte order');
    if (state[2] != null || state[3] != null) fail(`structured or subarray dtypes are not supported (dtype ${(obj as PickledDtype).descr})`);
    (obj as PickledDtype).byteorder = state[1] as string;
    return;
  }
  if (!isObj(obj, 'ndarray')) return fail('pickle BUILD on something other than a numpy array or dtype');
  // (version, shape, dtype, is_fortran, data); very old pickles omit the version.
  const [shape, dtype, fortran, data] = state.length === 5 ? state.slice(1) : state;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('ndarray state has a bad shape');
  if (!isObj(dtype, 'dtype')) fail('ndarray state has no dtype');
  if (typeof fortran !== 'boolean') fail('ndarray state has a bad fortran flag');
  if (!(data instanceof Uint8Array) && !Array.isArray(data)) fail('ndarray state data must be bytes or a list');
  Object.assign(obj, { shape, dtype, fortranOrder: fortran, data });
}
