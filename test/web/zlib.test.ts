import { crc32 as nodeCrc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, inflateRawSync } from '../../web/src/zlib.ts';

// The page reads .npz archives through this stand-in for node:zlib (web/vite.config.ts maps it).
describe('web/src/zlib: the node:zlib functions the .npz reader uses', () => {
  const inputs = [new Uint8Array(0), new TextEncoder().encode('abc'), Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 251), new Uint8Array(5000)];
  it.each(inputs.map((x, i) => [i, x] as const))('input %i: crc32 and raw inflate agree with zlib', (_, data) => {
    expect(crc32(data)).toBe(nodeCrc32(data));
    expect(inflateRawSync(deflateRawSync(data))).toEqual(data);
  });
});
