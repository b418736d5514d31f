import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSafetensorsFile } from '../../src/formats/safetensors.ts';
import { readMatrixFile, readOperands } from '../../src/stl/data.ts';
import { floatBytes, npyBytes } from './npy.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-data-'));
const put = (name: string, bytes: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

describe('readMatrixFile', () => {
  it('reads 2-D .npy in float64, float32 (both byte orders), float16 and int, C and Fortran order', () => {
    const rowMajor = [1, 2, 3, 4, 5, 6]; // [[1,2,3],[4,5,6]]
    const colMajor = [1, 4, 2, 5, 3, 6];
    const cases: [string, Uint8Array][] = [
      ['f8.npy', npyBytes('<f8', [2, 3], false, floatBytes(rowMajor, 8))],
      ['f4.npy', npyBytes('<f4', [2, 3], false, floatBytes(rowMajor, 4))],
      ['f4be.npy', npyBytes('>f4', [2, 3], false, floatBytes(rowMajor, 4, false))],
      ['f8F.npy', npyBytes('<f8', [2, 3], true, floatBytes(colMajor, 8))],
      ['f4F.npy', npyBytes('<f4', [2, 3], true, floatBytes(colMajor, 4))],
      ['f2.npy', npyBytes('<f2', [2, 3], false, floatBytes([0x3c00, 0x4000, 0x4200, 0x4400, 0x4500, 0x4600], 2))],
      ['i4.npy', npyBytes('<i4', [2, 3], false, new Uint8Array(Int32Array.from(rowMajor).buffer))],
    ];
    for (const [name, bytes] of cases) {
      const m = readMatrixFile(put(name, bytes));
      expect([m.rows, m.cols], name).toEqual([2, 3]);
      expect(Array.from(m.data), name).toEqual(rowMajor);
    }
  });

  it('reads a named tensor, or the only 2-D tensor, from .safetensors', () => {
    const p = join(dir, 'm.safetensors');
    writeSafetensorsFile(p, [
      { name: 'x', dtype: 'F32', shape: [2, 2], data: [1, 2, 3, 4] },
      { name: 'bias', dtype: 'F32', shape: [2], data: [0, 0] },
    ]);
    expect(Array.from(readMatrixFile(`${p}:x`).data)).toEqual([1, 2, 3, 4]);
    expect(readMatrixFile(p).rows).toBe(2);
    expect(() => readMatrixFile(`${p}:bias`)).toThrow(/tensor "bias": expected a 2-D tensor, got shape \[2\]/);
    expect(() => readMatrixFile(`${p}:nope`)).toThrow(/tensor "nope": not in the file; it holds bias, x/);
  });

  it('refuses other files and shapes with one clear line', () => {
    expect(() => readMatrixFile(put('v.npy', npyBytes('<f8', [3], false, floatBytes([1, 2, 3], 8))))).toThrow(/expected a 2-D array, got shape \(3\)/);
    expect(() => readMatrixFile(put('c.npy', npyBytes('<c16', [1, 1], false, new Uint8Array(16))))).toThrow(/unsupported dtype "<c16"/);
    expect(() => readMatrixFile(put('t.npy', npyBytes('<f4', [2, 2], false, floatBytes([1, 2], 4))))).toThrow(/truncated array data/);
    expect(() => readMatrixFile(join(dir, 'missing.npy'))).toThrow(/missing\.npy: no such file/);
    expect(() => readMatrixFile('x.csv')).toThrow(/x\.csv: expected a \.npy file or FILE\.safetensors/);
  });
});

describe('readOperands', () => {
  const x = put('x23.npy', npyBytes('<f4', [2, 3], false, floatBytes([1, 2, 3, 4, 5, 6], 4)));
  const w = put('w32.npy', npyBytes('<f8', [3, 2], true, floatBytes([1, 0, 0, 0, 1, 0], 8)));

  it('reads X and W, transposing W when it is stored as an nn.Linear weight', () => {
    const { X, W } = readOperands(x, w);
    expect([X.rows, X.cols, W.rows, W.cols]).toEqual([2, 3, 3, 2]);
    expect(Array.from(W.data)).toEqual([1, 0, 0, 1, 0, 0]);
    const t = readOperands(x, x, { transposeW: true });
    expect([t.W.rows, t.W.cols, ...t.W.data]).toEqual([3, 2, 1, 4, 2, 5, 3, 6]);
  });

  it('names both files when the inner sizes differ, and the file that cannot be read', () => {
    expect(() => readOperands(x, x)).toThrow(`--data: X (${x}) is 2×3 and W (${x}) is 2×3; the inner sizes differ (an nn.Linear weight needs --transpose-w)`);
    expect(() => readOperands(x, w, { transposeW: true })).toThrow(new RegExp(`^--data: X \\(.*x23\\.npy\\) is 2×3 and W \\(.*w32\\.npy\\) is 2×3; the inner sizes differ$`));
    expect(() => readOperands(x, join(dir, 'none.npy'))).toThrow(`${join(dir, 'none.npy')}: no such file`);
  });
});
