import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseSchemeJson } from '../../../src/formats/json.ts';
import { importAlphaTensorNpz, readAlphaTensorNpz } from '../../../src/formats/npz/alphatensor.ts';
import { rank, type Scheme } from '../../../src/scheme/index.ts';
import { verifyScheme } from '../../../src/verify/index.ts';
import { SCHEMES, hasShared, schemeFiles } from '../../helpers/shared.ts';
import { throwsInput } from '../../helpers/formats.ts';

/** Stored-only ZIP of the given members (local headers, central directory, end record). */
function makeZip(entries: [string, Uint8Array][]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [n, data] of entries) {
    const name = Buffer.from(n);
    const [local, cd] = [Buffer.alloc(30), Buffer.alloc(46)];
    local.writeUInt32LE(0x04034b50, 0);
    cd.writeUInt32LE(0x02014b50, 0);
    for (const [h, at] of [[local, 14], [cd, 16]] as const) {
      h.writeUInt32LE(crc32(data) >>> 0, at);
      h.writeUInt32LE(data.length, at + 4);
      h.writeUInt32LE(data.length, at + 8);
      h.writeUInt16LE(name.length, at + 12);
    }
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, Buffer.from(data));
    central.push(cd, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, cd, end]));
}

/** A version-1 .npy of float64 values given in the storage order the header states. */
function makeNpy(shape: number[], fortran: boolean, values: number[]): Uint8Array {
  const header = `{'descr': '<f8', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}), }\n`;
  const h = Buffer.from(header);
  const pre = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, h.length & 0xff, h.length >> 8]);
  return new Uint8Array(Buffer.concat([pre, h, Buffer.from(Float64Array.from(values).buffer)]));
}

/** Strassen in stlkit's convention (rows = products; W over C). */
const STRASSEN = {
  U: [[1, 0, 0, 1], [0, 0, 1, 1], [1, 0, 0, 0], [0, 0, 0, 1], [1, 1, 0, 0], [-1, 0, 1, 0], [0, 1, 0, -1]],
  V: [[1, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, -1], [-1, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]],
  W: [[1, 0, 0, 1], [0, 0, 1, -1], [0, 1, 0, 1], [1, 0, 1, 0], [-1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]],
};

/** AlphaTensor's (3, 4, 7) layout of a 2×2×2 scheme, stored column-major: u, v as is, w over Cᵀ. */
function alphaTensor222(U: number[][], V: number[][], W: number[][]): Uint8Array {
  const cT = [0, 2, 1, 3]; // w row k·2+i holds C[i][k] = W column i·2+k
  const get = (f: number, r: number, t: number) => (f === 0 ? U[t][r] : f === 1 ? V[t][r] : W[t][cT[r]]);
  const vals: number[] = [];
  for (let t = 0; t < 7; t++) for (let r = 0; r < 4; r++) for (let f = 0; f < 3; f++) vals.push(get(f, r, t));
  return makeZip([['2,2,2.npy', makeNpy([3, 4, 7], true, vals)]]);
}

const json = (s: Scheme<unknown>) => [s.U, s.V, s.W].map((M) => M.map((r) => r.map((x) => s.field.toJSON(x))));

describe('AlphaTensor .npz, synthetic', () => {
  it('maps u, v and w (over Cᵀ) of a Fortran-ordered float64 array back to the scheme', () => {
    const s = importAlphaTensorNpz(alphaTensor222(STRASSEN.U, STRASSEN.V, STRASSEN.W), 'strassen.npz', { format: [2, 2, 2] });
    expect(s.fieldTag).toBe('Z');
    expect(json(s)).toEqual([STRASSEN.U, STRASSEN.V, STRASSEN.W]);
    expect(s.meta.source).toBe('alphatensor strassen.npz 2,2,2');
    expect(verifyScheme(s)).toMatchObject({ kind: 'exact', exact: true });
  });

  it('reads multiples of 1/8 exactly as Q and refuses anything it would have to round', () => {
    const U = STRASSEN.U.map((r, t) => (t === 0 ? r.map((x) => x / 8) : r));
    const W = STRASSEN.W.map((r, t) => (t === 0 ? r.map((x) => x * 8) : r));
    const s = readAlphaTensorNpz(alphaTensor222(U, STRASSEN.V, W), 'eighths.npz').get('2,2,2')!;
    expect(s.fieldTag).toBe('Q');
    expect(json(s)[0][0]).toEqual(['1/8', 0, 0, '1/8']);
    expect(verifyScheme(s)).toMatchObject({ kind: 'exact', exact: true });
    const bad = STRASSEN.U.map((r, t) => (t === 1 ? [0, 0, 0.3, 1] : r));
    expect(throwsInput(() => readAlphaTensorNpz(alphaTensor222(bad, STRASSEN.V, STRASSEN.W), 'bad.npz')).message).toMatch(/^bad\.npz: member 2,2,2: array\[0\]\[2\]\[1\] = 0\.3 is not a multiple of 1\/8/);
  });

  it('reduces mod 2 for a file named f2 or when asked', () => {
    const data = alphaTensor222(STRASSEN.U, STRASSEN.V, STRASSEN.W);
    for (const s of [readAlphaTensorNpz(data, 'my_f2.npz').get('2,2,2')!, importAlphaTensorNpz(data, 'x.npz', { format: [2, 2, 2], field: 'Z2' })]) {
      expect(s.fieldTag).toBe('Z2');
      expect(json(s)[0][5]).toEqual([1, 0, 1, 0]);
      expect(verifyScheme(s)).toMatchObject({ kind: 'exact', exact: true, method: 'bits' });
    }
  });

  it('needs a format to pick a member, and says which exist', () => {
    const data = alphaTensor222(STRASSEN.U, STRASSEN.V, STRASSEN.W);
    expect(throwsInput(() => importAlphaTensorNpz(data, 'a.npz')).message).toMatch(/holds 1 schemes.*--format.*available: 2,2,2\)/);
    expect(throwsInput(() => importAlphaTensorNpz(data, 'a.npz', { format: [3, 3, 3] })).message).toMatch(/no scheme for format 3,3,3 \(available: 2,2,2\)/);
  });

  it('rejects truncated files with an InputError naming the file', () => {
    const data = alphaTensor222(STRASSEN.U, STRASSEN.V, STRASSEN.W);
    for (const cut of [1, 30, data.length >> 1]) {
      const e = throwsInput(() => readAlphaTensorNpz(data.subarray(0, data.length - cut), 'short.npz'));
      expect(e.file).toBe('short.npz');
      expect(e.message).toMatch(/^short\.npz: .*truncated/);
    }
  });
});

const FILES = [
  { name: 'factorizations_r.npz', count: 93, json: 'json-r' },
  { name: 'factorizations_f2.npz', count: 20, json: 'json-f2' },
];

describe.skipIf(!hasShared)('AlphaTensor .npz, the published files', () => {
  for (const f of FILES) {
    const file = join(SCHEMES, 'alphatensor', f.name);
    const data = hasShared ? readFileSync(file) : new Uint8Array(0);
    // Read once, by whichever test runs first; each test still stands alone.
    let cache: Map<string, Scheme<unknown>> | undefined;
    const load = () => (cache ??= readAlphaTensorNpz(data, file));

    it(`${f.name}: reads all ${f.count} members and verifies every one exactly`, () => {
      const t0 = performance.now();
      const schemes = load();
      const t1 = performance.now();
      expect(schemes.size).toBe(f.count);
      const failed: string[] = [];
      for (const [key, s] of schemes) {
        expect(s.target).toEqual({ kind: 'matmul', format: key.split(',').map(Number) });
        expect(s.meta.source).toBe(`alphatensor ${f.name} ${key}`);
        const r = verifyScheme(s);
        if (r.kind !== 'exact' || !r.exact) failed.push(`${key}:${rank(s)}`);
      }
      const t2 = performance.now();
      console.info(`${f.name}: read ${(t1 - t0).toFixed(0)} ms, verified ${f.count} schemes in ${(t2 - t1).toFixed(0)} ms`);
      expect(failed).toEqual([]);
    });

    it(`${f.name}: fields are ${f.count === 20 ? 'Z2' : 'Z or Q'} as the entries require`, () => {
      const schemes = load();
      const tags = new Set([...schemes.values()].map((s) => s.fieldTag));
      if (f.name.includes('f2')) expect([...tags]).toEqual(['Z2']);
      else {
        expect(schemes.get('2,2,2')?.fieldTag).toBe('Z');
        expect(schemes.get('4,4,4')?.fieldTag).toBe('Z');
        for (const key of ['9,9,9', '11,11,11', '3,4,11', '11,12,12']) expect(schemes.get(key)?.fieldTag).toBe('Q');
        const coeffs = new Set(json(schemes.get('9,9,9')!).flat(2));
        expect([...coeffs].sort()).toEqual([-1, -2, 0, 1, 2, '-1/8', '1/8'].sort());
      }
    });

    it(`${f.name}: matches every converted scheme in ${f.json}/`, () => {
      const files = schemeFiles(join('alphatensor', f.json), (n) => n.endsWith('.json'));
      expect(files.length).toBe(f.json === 'json-r' ? 24 : 20);
      for (const jf of files) {
        const want = parseSchemeJson(readFileSync(jf, 'utf8'), jf);
        const fmt = (want.target as { format: number[] }).format;
        const got = load().get(fmt.join(','));
        expect(got, basename(jf)).toBeDefined();
        expect([got!.target, rank(got!), got!.fieldTag], basename(jf)).toEqual([want.target, rank(want), want.fieldTag]);
        expect(json(got!), basename(jf)).toEqual(json(want));
      }
    });

    it(`${f.name}: imports one member by format`, () => {
      const s = importAlphaTensorNpz(data, file, { format: [2, 2, 3] });
      expect(json(s)).toEqual(json(load().get('2,2,3')!));
      expect(throwsInput(() => importAlphaTensorNpz(data, file)).message).toContain(`holds ${f.count} schemes`);
    });

    it(`${f.name}: a truncated copy fails with the file named`, () => {
      const e = throwsInput(() => readAlphaTensorNpz(data.subarray(0, data.length - 100), file));
      expect(e.file).toBe(file);
    });
  }
});
