import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.ts';
import { bfloat16ToNumber, halfToNumber } from '../../src/formats/float16.ts';
import { parseSafetensors, readSafetensorsFile, writeSafetensors, writeSafetensorsFile } from '../../src/formats/safetensors.ts';

/** A file built by hand: header JSON (unpadded) + data bytes, as another writer might make it. */
function handMade(header: object, data: number[]): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return new Uint8Array(Buffer.concat([len, json, Buffer.from(data)]));
}

const fails = (bytes: Uint8Array, pattern: RegExp) => {
  expect(() => parseSafetensors(bytes, 'x.safetensors')).toThrow(InputError);
  expect(() => parseSafetensors(bytes, 'x.safetensors')).toThrow(pattern);
};

describe('safetensors', () => {
  it('round-trips F32 and F64 tensors and string metadata, 8-byte aligned', () => {
    const bytes = writeSafetensors(
      [
        { name: 'E_X', dtype: 'F32', shape: [2, 3], data: [1, -2, 0.5, 3, 1e-3, 7] },
        { name: 'big', dtype: 'F64', shape: [3], data: [Math.PI, -1e300, 2 ** -1074] },
        { name: 'empty', dtype: 'F32', shape: [0, 4], data: [] },
      ],
      { t: '4', note: 'ü' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const f = parseSafetensors(bytes, 'x');
    expect(f.metadata).toEqual({ t: '4', note: 'ü' });
    expect(f.tensors.get('E_X')).toMatchObject({ dtype: 'F32', shape: [2, 3] });
    expect(Array.from(f.tensors.get('E_X')!.data)).toEqual([1, -2, 0.5, 3, Math.fround(1e-3), 7]);
    expect(Array.from(f.tensors.get('big')!.data)).toEqual([Math.PI, -1e300, 2 ** -1074]);
    expect(f.tensors.get('empty')!.data.length).toBe(0);
    // F64 data comes first, so it starts at an 8-byte boundary of the file.
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.big.data_offsets).toEqual([0, 24]);
  });

  it('reads F16, BF16 and integer dtypes from a hand-made file, in offset order', () => {
    const bytes = handMade(
      {
        b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
        h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
        i: { dtype: 'I16', shape: [1], data_offsets: [8, 10] },
      },
      [0x00, 0x3c, 0x00, 0xc0, 0x80, 0x3f, 0x49, 0x40, 0xfe, 0xff],
    );
    const f = parseSafetensors(bytes, 'x');
    expect(Array.from(f.tensors.get('h')!.data)).toEqual([1, -2]);
    expect(Array.from(f.tensors.get('b')!.data)).toEqual([1, 3.140625]);
    expect(Array.from(f.tensors.get('i')!.data)).toEqual([-2]);
    expect(f.metadata).toEqual({});
  });

  it('decodes half-precision specials', () => {
    expect(halfToNumber(0x0001)).toBe(2 ** -24);
    expect(halfToNumber(0x7bff)).toBe(65504);
    expect(halfToNumber(0xfc00)).toBe(-Infinity);
    expect(halfToNumber(0x7e00)).toBeNaN();
    expect(bfloat16ToNumber(0xc2f7)).toBe(-123.5);
  });

  it('refuses malformed files with a one-line reason', () => {
    const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    fails(new Uint8Array(4), /too short/);
    fails(handMade(ok, [0, 0, 0, 0]).subarray(0, 20), /runs past the end|truncated/);
    fails(handMade(ok, [0, 0, 0, 0]), /data ends at byte 8 of a 4-byte data section/);
    fails(handMade(ok, new Array(12).fill(0)), /4 bytes after the last tensor/);
    fails(handMade({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Array(8).fill(0)), /needs 12/);
    fails(handMade({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Array(8).fill(0)), /unsupported dtype "C64"/);
    fails(handMade({ a: { dtype: 'U8', shape: [2], data_offsets: [2, 4] } }, [0, 0, 0, 0]), /gap of 2 bytes/);
    fails(handMade({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] }, b: { dtype: 'U8', shape: [2], data_offsets: [1, 3] } }, [0, 0, 0]), /overlaps/);
    fails(handMade({ __metadata__: { t: 4 } }, []), /__metadata__.t: expected a string/);
    const bad = handMade(ok, new Array(8).fill(0));
    bad[8] = 0x5b; // '[' makes the JSON invalid
    fails(bad, /invalid JSON/);
  });

  it('writes files atomically and reads them back; a missing file is one clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stlkit-st-'));
    const p = join(dir, 'w.safetensors');
    writeSafetensorsFile(p, [{ name: 'w', dtype: 'F32', shape: [1, 1], data: [2] }]);
    expect(readSafetensorsFile(p).tensors.get('w')!.data[0]).toBe(2);
    expect(() => readSafetensorsFile(join(dir, 'nope.safetensors'))).toThrow(/nope\.safetensors: no such file/);
    expect(() => writeSafetensors([{ name: 'a', dtype: 'F32', shape: [2], data: [1] }])).toThrow(/needs 2 values/);
  });
});
