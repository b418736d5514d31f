import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readZip } from '../../../src/formats/npz/zip.ts';
import { SCHEMES, hasShared } from '../../helpers/shared.ts';
import { throwsInput } from '../../helpers/formats.ts';

interface Entry { name: string; data: Uint8Array; method?: 0 | 8 | 12 }

/** A ZIP archive built field by field (APPNOTE 4.3.7, 4.3.12, 4.3.16), so the reader is tested against the spec, not itself. */
function makeZip(entries: Entry[], comment = ''): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const method = e.method ?? 0;
    const body = method === 8 ? deflateRawSync(e.data) : Buffer.from(e.data);
    const crc = crc32(e.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  eocd.writeUInt16LE(Buffer.byteLength(comment), 20);
  return new Uint8Array(Buffer.concat([...locals, cd, eocd, Buffer.from(comment)]));
}

const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('readZip', () => {
  it('reads stored and deflated members, in order, past a trailing comment', () => {
    const big = text('0123456789'.repeat(100));
    const zip = makeZip([{ name: 'a.npy', data: text('hello') }, { name: 'dir/b.txt', data: big, method: 8 }, { name: 'empty', data: new Uint8Array(0) }], 'a comment');
    const m = readZip(zip, 'x.zip');
    expect([...m.keys()]).toEqual(['a.npy', 'dir/b.txt', 'empty']);
    expect(decode(m.get('a.npy'))).toBe('hello');
    expect(m.get('dir/b.txt')).toEqual(big);
    expect(m.get('empty')?.length).toBe(0);
  });

  it('reads an archive that sits at an unaligned offset of a larger buffer', () => {
    const zip = makeZip([{ name: 'a', data: text('xyz'), method: 8 }]);
    const host = new Uint8Array(zip.length + 3);
    host.set(zip, 3);
    expect(decode(readZip(host.subarray(3), 'x.zip').get('a'))).toBe('xyz');
  });

  it('rejects what is not a zip, naming the file', () => {
    const e = throwsInput(() => readZip(text('this is plainly not a zip archive at all'), 'notes.npz'));
    expect(e.file).toBe('notes.npz');
    expect(e.message).toMatch(/^notes\.npz: .*not a zip/);
    expect(throwsInput(() => readZip(new Uint8Array(3), 'tiny.npz')).message).toMatch(/tiny\.npz.*too short/);
  });

  it('rejects truncated archives, naming the file', () => {
    const zip = makeZip([{ name: 'a', data: text('some member data'.repeat(20)), method: 8 }]);
    for (const cut of [1, 10, 30, zip.length - 40]) {
      const e = throwsInput(() => readZip(zip.subarray(0, zip.length - cut), 'cut.npz'));
      expect(e.file).toBe('cut.npz');
      expect(e.message).toMatch(/truncated/);
    }
  });

  it('rejects corrupted data, unsupported compression and zip64', () => {
    const zip = makeZip([{ name: 'a', data: text('payload!') }]);
    const bad = zip.slice();
    bad[30 + 1] ^= 0xff; // first data byte of the stored member
    expect(throwsInput(() => readZip(bad, 'c.npz')).message).toMatch(/CRC-32/);
    const bz = makeZip([{ name: 'a', data: text('payload!'), method: 12 }]);
    expect(throwsInput(() => readZip(bz, 'b.npz')).message).toMatch(/unsupported compression method 12/);
    const z64 = zip.slice();
    new DataView(z64.buffer).setUint32(z64.length - 6, 0xffffffff, true); // central directory offset
    expect(throwsInput(() => readZip(z64, 'z.npz')).message).toMatch(/zip64/);
  });
});

describe.skipIf(!hasShared)('readZip on the AlphaTensor archives', () => {
  it('lists every member of both files as n,m,p.npy', () => {
    for (const [name, count] of [['factorizations_r.npz', 93], ['factorizations_f2.npz', 20]] as const) {
      const file = join(SCHEMES, 'alphatensor', name);
      const m = readZip(readFileSync(file), file);
      expect(m.size).toBe(count);
      for (const [k, v] of m) {
        expect(k).toMatch(/^\d+,\d+,\d+\.npy$/);
        expect([...v.subarray(1, 6)]).toEqual([...text('NUMPY')]);
      }
    }
  });
});
