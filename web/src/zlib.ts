/**
 * What the .npz reader (src/formats/npz/zip.ts) takes from node:zlib, for the browser: raw
 * inflate (fflate) and the CRC-32 that checks every member. vite.config.ts maps node:zlib here.
 */
import { inflateSync } from 'fflate';

export function inflateRawSync(data: Uint8Array): Uint8Array {
  return inflateSync(data);
}

const TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE 802.3), as zlib.crc32 computes it, unsigned. */
export function crc32(data: Uint8Array, value = 0): number {
  let c = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
