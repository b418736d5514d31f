import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unpickle, type PickledArray } from '../../../src/formats/npz/pickle.ts';
import { readZip } from '../../../src/formats/npz/zip.ts';
import { SCHEMES, hasShared } from '../../helpers/shared.ts';
import { throwsInput } from '../../helpers/formats.ts';

/** A tiny pickle assembler: opcodes by name (pickletools spelling), arguments little-endian. */
const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const le = (n: number, bytes: number) => Array.from({ length: bytes }, (_, i) => Number((BigInt(n) >> BigInt(8 * i)) & 0xffn));
const op = {
  PROTO: (v: number) => [0x80, v],
  FRAME: (n: number) => [0x95, ...le(n, 8)],
  STOP: [0x2e], MARK: [0x28], TUPLE: [0x74], EMPTY_TUPLE: [0x29], TUPLE1: [0x85], TUPLE2: [0x86], TUPLE3: [0x87],
  EMPTY_LIST: [0x5d], APPEND: [0x61], APPENDS: [0x65], LIST: [0x6c],
  BINPUT: (i: number) => [0x71, i], MEMOIZE: [0x94], BINGET: (i: number) => [0x68, i],
  NONE: [0x4e], NEWTRUE: [0x88], NEWFALSE: [0x89],
  BININT: (n: number) => [0x4a, ...le(n >>> 0, 4)], BININT1: (n: number) => [0x4b, n], BININT2: (n: number) => [0x4d, ...le(n, 2)],
  LONG1: (b: number[]) => [0x8a, b.length, ...b],
  BINFLOAT: (x: number) => { const d = new DataView(new ArrayBuffer(8)); d.setFloat64(0, x); return [0x47, ...new Uint8Array(d.buffer)]; },
  SHORT_BINUNICODE: (s: string) => [0x8c, utf8(s).length, ...utf8(s)],
  BINUNICODE: (s: string) => [0x58, ...le(utf8(s).length, 4), ...utf8(s)],
  SHORT_BINBYTES: (b: number[]) => [0x43, b.length, ...b],
  BINBYTES: (b: number[]) => [0x42, ...le(b.length, 4), ...b],
  GLOBAL: (mod: string, name: string) => [0x63, ...utf8(`${mod}\n${name}\n`)],
  STACK_GLOBAL: [0x93], REDUCE: [0x52], BUILD: [0x62],
};
const P = (...parts: (number[] | number)[]) => Uint8Array.from(parts.flat());

/** np.array([5, -1], dtype='<i8') pickled with protocol 4 by numpy 2 (numpy._core, STACK_GLOBAL, MEMOIZE). */
const int64Array = P(
  op.PROTO(4), op.FRAME(0),
  op.SHORT_BINUNICODE('numpy._core.multiarray'), op.MEMOIZE, op.SHORT_BINUNICODE('_reconstruct'), op.MEMOIZE, op.STACK_GLOBAL, op.MEMOIZE,
  op.SHORT_BINUNICODE('numpy'), op.MEMOIZE, op.SHORT_BINUNICODE('ndarray'), op.MEMOIZE, op.STACK_GLOBAL, op.MEMOIZE,
  op.BININT1(0), op.TUPLE1, op.SHORT_BINBYTES([0x62]), op.TUPLE3, op.REDUCE, op.MEMOIZE,
  op.MARK, op.BININT1(1), op.BININT1(2), op.TUPLE1,
  op.BINGET(3), op.SHORT_BINUNICODE('dtype'), op.STACK_GLOBAL, op.SHORT_BINUNICODE('i8'), op.NEWFALSE, op.NEWTRUE, op.TUPLE3, op.REDUCE,
  op.MARK, op.BININT1(3), op.SHORT_BINUNICODE('<'), op.NONE, op.NONE, op.NONE, op.BININT(-1), op.BININT(-1), op.BININT1(0), op.TUPLE, op.BUILD,
  op.NEWFALSE, op.SHORT_BINBYTES([...le(5, 8), ...le(2 ** 32 - 1, 4), 0xff, 0xff, 0xff, 0xff]), op.TUPLE, op.BUILD, op.STOP,
);

describe('unpickle', () => {
  it('decodes the plain values numpy pickles are made of', () => {
    const p = P(
      op.PROTO(2), op.MARK,
      op.BININT1(7), op.BININT2(300), op.BININT(-5), op.LONG1([0xff]), op.LONG1([0, 0, 0, 0, 0, 0, 0, 0, 1]),
      op.BINFLOAT(1.5), op.NONE, op.NEWTRUE, op.NEWFALSE,
      op.SHORT_BINUNICODE('héllo'), op.BINUNICODE('x'), op.SHORT_BINBYTES([0, 1]), op.BINBYTES([2]),
      op.EMPTY_TUPLE, op.EMPTY_LIST, op.BININT1(1), op.APPEND, op.MARK, op.BININT1(2), op.BININT1(3), op.APPENDS,
      op.MARK, op.BININT1(4), op.LIST,
      op.TUPLE, op.STOP,
    );
    expect(unpickle(p, 'v.pkl')).toEqual([7, 300, -5, -1, 2n ** 64n, 1.5, null, true, false, 'héllo', 'x', Uint8Array.of(0, 1), Uint8Array.of(2), [], [1, 2, 3], [4]]);
  });

  it('shares memoised objects, as Python does', () => {
    const p = P(op.PROTO(2), op.EMPTY_LIST, op.BINPUT(0), op.BINGET(0), op.TUPLE2, op.STOP);
    const [a, b] = unpickle(p, 'm.pkl') as unknown[][];
    expect(a).toBe(b);
  });

  it('rebuilds a numpy array without calling anything', () => {
    const a = unpickle(int64Array, 'a.pkl') as PickledArray;
    expect(a.kind).toBe('ndarray');
    expect(a.shape).toEqual([2]);
    expect(a.fortranOrder).toBe(false);
    expect(a.dtype).toEqual({ kind: 'dtype', descr: 'i8', byteorder: '<' });
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect([...new BigInt64Array((a.data as Uint8Array).slice().buffer)]).toEqual([5n, -1n]);
  });

  it('refuses any other global, before anything could run', () => {
    const system = P(op.PROTO(2), op.GLOBAL('os', 'system'), op.MARK, op.SHORT_BINUNICODE('echo pwned'), op.TUPLE, op.REDUCE, op.STOP);
    expect(throwsInput(() => unpickle(system, 'evil.npy')).message).toMatch(/^evil\.npy: pickle: refusing pickle global os\.system/);
    const evalG = P(op.PROTO(4), op.SHORT_BINUNICODE('builtins'), op.SHORT_BINUNICODE('eval'), op.STACK_GLOBAL, op.STOP);
    expect(throwsInput(() => unpickle(evalG, 'evil.npy')).message).toMatch(/refusing pickle global builtins\.eval/);
    const scalar = P(op.PROTO(2), op.GLOBAL('numpy.core.multiarray', 'scalar'), op.STOP);
    expect(throwsInput(() => unpickle(scalar, 'evil.npy')).message).toMatch(/numpy\.core\.multiarray\.scalar/);
  });

  it('refuses opcodes outside the subset and malformed streams', () => {
    expect(throwsInput(() => unpickle(P(op.PROTO(2), [0x81], op.STOP), 'o.pkl')).message).toMatch(/unsupported pickle opcode 0x81 at byte 2/);
    expect(throwsInput(() => unpickle(P(op.PROTO(2), op.TUPLE1, op.STOP), 'o.pkl')).message).toMatch(/underflow/);
    expect(throwsInput(() => unpickle(P(op.PROTO(2), op.BINGET(9), op.STOP), 'o.pkl')).message).toMatch(/memo 9/);
    const structured = P(op.PROTO(2), op.GLOBAL('numpy', 'dtype'), op.SHORT_BINUNICODE('V8'), op.NEWFALSE, op.NEWTRUE, op.TUPLE3, op.REDUCE,
      op.MARK, op.BININT1(3), op.SHORT_BINUNICODE('|'), op.NONE, op.MARK, op.SHORT_BINUNICODE('a'), op.TUPLE, op.NONE, op.TUPLE, op.BUILD, op.STOP);
    expect(throwsInput(() => unpickle(structured, 's.pkl')).message).toMatch(/structured/);
  });

  it('reports truncation with the file name, wherever the cut falls', () => {
    for (let cut = 1; cut < int64Array.length; cut += 7) {
      const e = throwsInput(() => unpickle(int64Array.subarray(0, int64Array.length - cut), 'cut.npy', 'member 2,2,3 pickle'));
      expect(e.file).toBe('cut.npy');
      expect(e.message).toMatch(/^cut\.npy: member 2,2,3 pickle: /);
    }
  });
});

describe.skipIf(!hasShared)('unpickle on AlphaTensor object arrays', () => {
  it('reads the (3,) object array of 2,2,3 from factorizations_r.npz', () => {
    const file = join(SCHEMES, 'alphatensor', 'factorizations_r.npz');
    const npy = readZip(readFileSync(file), file).get('2,2,3.npy')!;
    const headerLen = npy[8] | (npy[9] << 8);
    const a = unpickle(npy.subarray(10 + headerLen), file) as PickledArray;
    expect(a.shape).toEqual([3]);
    expect(a.dtype).toEqual({ kind: 'dtype', descr: 'O8', byteorder: '|' });
    const parts = a.data as PickledArray[];
    expect(parts.map((x) => [x.shape, x.dtype?.descr, x.dtype?.byteorder, (x.data as Uint8Array).length])).toEqual([
      [[4, 11], 'i4', '<', 4 * 11 * 4],
      [[6, 11], 'i4', '<', 6 * 11 * 4],
      [[6, 11], 'i4', '<', 6 * 11 * 4],
    ]);
    expect(parts[1].dtype).toBe(parts[0].dtype); // one memoised dtype object
  });
});
