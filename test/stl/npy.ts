/** .npy (version 1.0) bytes for tests: header dict padded to 64 bytes, then raw data. */
export function npyBytes(descr: string, shape: number[], fortran: boolean, data: Uint8Array): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(10 + dict.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, dict.length & 0xff, dict.length >> 8]);
  out.set(new TextEncoder().encode(dict), 10);
  out.set(data, 10 + dict.length);
  return out;
}

/** Little- or big-endian float bytes. */
export function floatBytes(values: number[], size: 4 | 8 | 2, little = true): Uint8Array {
  const b = new Uint8Array(values.length * size);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => {
    if (size === 8) v.setFloat64(i * 8, x, little);
    else if (size === 4) v.setFloat32(i * 4, x, little);
    else v.setUint16(i * 2, x, little); // size 2: x is already the half-precision bit pattern
  });
  return b;
}
