import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NPY_SIZE, npyOffset, parseNpy, writeNpy, type NpyArray, type NpyToWrite } from '../../../src/formats/npz/npy.ts';
import { readZip } from '../../../src/formats/npz/zip.ts';
import { SCHEMES, hasShared } from '../../helpers/shared.ts';
import { throwsInput } from '../../helpers/formats.ts';

/** A .npy file as numpy writes it: magic, version, header length, space-padded dict, then the body. */
function makeNpy(header: string, body: Uint8Array, version = 1): Uint8Array {
  const lenBytes = version === 1 ? 2 : 4;
  const pad = 64 - ((8 + lenBytes + header.length + 1) % 64);
  const h = new TextEncoder().encode(header + ' '.repeat(pad % 64) + '\n');
  const out = new Uint8Array(8 + lenBytes + h.length + body.length);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  out.set(h, 8 + lenBytes);
  out.set(body, 8 + lenBytes + h.length);
  return out;
}

const dict = (descr: string, fortran: boolean, shape: string) => `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const at = (a: NpyArray, ...idx: number[]) => a.data[npyOffset(a, idx)];

describe('parseNpy', () => {
  it('reads a C-order int32 matrix', () => {
    const a = parseNpy(makeNpy(dict('<i4', false, '(2, 3)'), bytesOf(Int32Array.of(1, 2, 3, -4, 5, -6))), 'a.npy');
    expect(a).toMatchObject({ dtype: 'i4', shape: [2, 3], fortranOrder: false });
    expect(at(a, 1, 0)).toBe(-4);
    expect(at(a, 0, 2)).toBe(3);
  });

  it('honours fortran_order: the body is column-major', () => {
    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    const a = parseNpy(makeNpy(dict('<i8', true, '(2, 3)'), bytesOf(BigInt64Array.of(1n, 4n, 2n, 5n, 3n, 6n))), 'f.npy');
    expect(a.fortranOrder).toBe(true);
    const rows = [0, 1].map((i) => [0, 1, 2].map((j) => at(a, i, j)));
    expect(rows).toEqual([[1n, 2n, 3n], [4n, 5n, 6n]]);
  });

  it('reads versions 2 and 3 (4-byte header length, UTF-8 header)', () => {
    for (const v of [2, 3]) {
      const a = parseNpy(makeNpy(dict('<f8', false, '(2,)'), bytesOf(Float64Array.of(0.125, -2)), v), 'v.npy');
      expect([...(a.data as Float64Array)]).toEqual([0.125, -2]);
    }
  });

  it('decodes every supported dtype, including big-endian and scalars', () => {
    const cases: [string, Uint8Array, unknown[]][] = [
      ['|b1', Uint8Array.of(0, 1, 2), [0, 1, 1]],
      ['|i1', bytesOf(Int8Array.of(-1, 7)), [-1, 7]],
      ['<i2', bytesOf(Int16Array.of(-300, 2)), [-300, 2]],
      ['<u2', bytesOf(Uint16Array.of(65535)), [65535]],
      ['>i4', Uint8Array.of(0xff, 0xff, 0xff, 0xfe), [-2]],
      ['<u4', bytesOf(Uint32Array.of(4e9)), [4e9]],
      ['<u8', bytesOf(BigUint64Array.of(2n ** 63n)), [2n ** 63n]],
      ['|u1', Uint8Array.of(200), [200]],
      ['<f2', bytesOf(Uint16Array.of(0x3c00, 0xc000, 0x0001, 0x7bff, 0xfc00)), [1, -2, 2 ** -24, 65504, -Infinity]],
      ['>f2', Uint8Array.of(0x35, 0x55), [0.333251953125]],
      ['<f4', bytesOf(Float32Array.of(0.1, -3.5)), [Math.fround(0.1), -3.5]],
      ['>f4', Uint8Array.of(0x3f, 0xc0, 0, 0), [1.5]],
    ];
    for (const [descr, body, want] of cases) {
      const a = parseNpy(makeNpy(dict(descr, false, `(${want.length},)`), body), 'd.npy');
      expect([...(a.data as ArrayLike<unknown> & Iterable<unknown>)]).toEqual(want);
    }
    const s = parseNpy(makeNpy(dict('<f8', false, '()'), bytesOf(Float64Array.of(3.5))), 's.npy');
    expect(s.shape).toEqual([]);
    expect(s.data[0]).toBe(3.5);
  });

  it('rejects bad magic, odd dtypes and truncated data, naming the file', () => {
    expect(throwsInput(() => parseNpy(new TextEncoder().encode('not an npy file at all'), 'x.npy')).message).toMatch(/^x\.npy: .*bad magic/);
    expect(throwsInput(() => parseNpy(makeNpy(dict('<c16', false, '(1,)'), new Uint8Array(16)), 'c.npy')).message).toMatch(/unsupported dtype "<c16"/);
    const full = makeNpy(dict('<i4', false, '(4,)'), bytesOf(Int32Array.of(1, 2, 3, 4)));
    const e = throwsInput(() => parseNpy(full.subarray(0, full.length - 1), 'cut.npy', 'member 1,2,3'));
    expect(e.file).toBe('cut.npy');
    expect(e.message).toMatch(/^cut\.npy: member 1,2,3: truncated array data/);
    expect(throwsInput(() => parseNpy(full.subarray(0, 20), 'head.npy')).message).toMatch(/truncated \.npy header/);
  });
});

describe('writeNpy', () => {
  const values: Record<NpyToWrite['dtype'], number[] | bigint[]> = {
    b1: [0, 1, 1, 0, 1, 0], i1: [-128, 127, 0, -1, 5, 6], u1: [0, 255, 1, 2, 3, 4], i2: [-32768, 32767, 0, -1, 5, 6],
    u2: [0, 65535, 1, 2, 3, 4], i4: [-(2 ** 31), 2 ** 31 - 1, 0, -1, 5, 6], u4: [0, 2 ** 32 - 1, 1, 2, 3, 4],
    i8: [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 5n, 6n], u8: [0n, 2n ** 64n - 1n, 1n, 2n, 3n, 4n],
    f2: [1, -2, 2 ** -24, 65504, 0.5, -0], f4: [Math.fround(0.1), -3.5, 2 ** -149, 3.4028234663852886e38, 0, 1],
    f8: [0.1, -1e300, Number.MIN_VALUE, Math.PI, 0, -Infinity],
  };

  it('round-trips every numeric dtype through parseNpy, in C and Fortran order', () => {
    for (const [dtype, data] of Object.entries(values) as [NpyToWrite['dtype'], number[] | bigint[]][]) {
      for (const fortranOrder of [false, true]) {
        const bytes = writeNpy({ dtype, shape: [2, 3], data, fortranOrder });
        expect((bytes.length - data.length * NPY_SIZE[dtype]) % 64, dtype).toBe(0);
        const a = parseNpy(bytes, `${dtype}.npy`);
        expect(a, dtype).toMatchObject({ dtype, shape: [2, 3], fortranOrder });
        expect([...(a.data as ArrayLike<unknown> & Iterable<unknown>)], dtype).toEqual(data);
      }
    }
  });

  it('writes the header numpy writes: version 1.0, the dict padded with spaces to 64 bytes', () => {
    const header = (b: Uint8Array) => new TextDecoder('latin1').decode(b.subarray(10, 10 + b[8] + 256 * b[9]));
    const bytes = writeNpy({ dtype: 'f2', shape: [1024, 256], data: new Float64Array(1024 * 256) });
    expect([...bytes.subarray(0, 10)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
    expect(header(bytes)).toBe(`{'descr': '<f2', 'fortran_order': False, 'shape': (1024, 256), }`.padEnd(117) + '\n');
    const vector = writeNpy({ dtype: 'u1', shape: [3], data: [1, 2, 3] });
    expect(header(vector)).toBe(`{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }`.padEnd(117) + '\n');
    expect(parseNpy(writeNpy({ dtype: 'f8', shape: [], data: [2.5] }), 's.npy')).toMatchObject({ shape: [], data: Float64Array.of(2.5) });
  });

  it('rounds to float16 and float32 once, to nearest even', () => {
    const a = parseNpy(writeNpy({ dtype: 'f2', shape: [5], data: [1 / 3, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 65519, 65520] }), 'h.npy');
    expect([...(a.data as Float64Array)]).toEqual([0.333251953125, 1, 1 + 2 ** -9, 65504, Infinity]);
    const b = parseNpy(writeNpy({ dtype: 'f4', shape: [2], data: [0.1, 1e39] }), 'f.npy');
    expect([...(b.data as Float32Array)]).toEqual([Math.fround(0.1), Infinity]);
  });

  it('refuses integers that do not fit the dtype and data that do not fit the shape', () => {
    expect(() => writeNpy({ dtype: 'i1', shape: [1], data: [128] })).toThrow(/value 128 at 0 is not a i1 integer/);
    expect(() => writeNpy({ dtype: 'u4', shape: [1], data: [0.5] })).toThrow(/not a u4 integer/);
    expect(() => writeNpy({ dtype: 'f8', shape: [2, 2], data: [1, 2, 3] })).toThrow(/shape \(2, 2\) needs 4 values, got 3/);
  });
});

describe.skipIf(!hasShared)('parseNpy on AlphaTensor members', () => {
  const file = join(SCHEMES, 'alphatensor', 'factorizations_r.npz');
  const members = hasShared ? readZip(readFileSync(file), file) : new Map<string, Uint8Array>();

  it('reads a square member as one (3, n·m, R) array', () => {
    const a = parseNpy(members.get('2,2,2.npy')!, file);
    expect(a).toMatchObject({ dtype: 'i4', shape: [3, 4, 7], fortranOrder: false });
  });

  it('reads a pickled object array of three factors', () => {
    const a = parseNpy(members.get('2,2,3.npy')!, file);
    expect(a.dtype).toBe('O');
    expect(a.shape).toEqual([3]);
    const parts = a.data as NpyArray[];
    expect(parts.map((p) => [p.dtype, p.shape])).toEqual([['i4', [4, 11]], ['i4', [6, 11]], ['i4', [6, 11]]]);
    const f = parseNpy(members.get('3,4,11.npy')!, file).data as NpyArray[];
    expect(f[0].dtype).toBe('f8');
    expect(new Set(f.flatMap((p) => [...(p.data as Float64Array)]))).toContain(0.5);
  });
});
