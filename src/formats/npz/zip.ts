import { crc32, inflateRawSync } from 'node:zlib';
import { InputError } from '../errors.ts';

/**
 * A minimal ZIP reader for .npz files: the central directory is the source of truth (numpy writes
 * local headers with data descriptors, so their sizes may be zero), entries are stored or deflated.
 * Zip64 is refused: no .npz we read needs it, and a half-supported zip64 would misread silently.
 */

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_MIN = 22;
/** The EOCD comment is at most 0xffff bytes, so the record starts within this many bytes of the end. */
const EOCD_SEARCH = EOCD_MIN + 0xffff;

interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Every member of a ZIP archive, name → uncompressed bytes, in central-directory order. */
export function readZip(data: Uint8Array, file: string): Map<string, Uint8Array> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const eocd = findEocd(view, file);
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new InputError(file, 'zip', 'zip64 archives are not supported');
  }
  if (cdOffset + cdSize > eocd) throw new InputError(file, 'zip', 'central directory lies outside the file (truncated?)');
  const out = new Map<string, Uint8Array>();
  let pos = cdOffset;
  for (let i = 0; i < count; i++) {
    const e = readCentral(view, pos, eocd, file);
    out.set(e.name, extract(data, view, e, file));
    pos += 46 + view.getUint16(pos + 28, true) + view.getUint16(pos + 30, true) + view.getUint16(pos + 32, true);
  }
  return out;
}

/** Scan backwards, since a trailing comment may follow the record. */
function findEocd(view: DataView, file: string): number {
  if (view.byteLength < EOCD_MIN) throw new InputError(file, '', `not a zip archive (${view.byteLength} bytes, too short)`);
  const stop = Math.max(0, view.byteLength - EOCD_SEARCH);
  for (let p = view.byteLength - EOCD_MIN; p >= stop; p--) {
    if (view.getUint32(p, true) === EOCD_SIG && p + EOCD_MIN + view.getUint16(p + 20, true) === view.byteLength) return p;
  }
  const zipStart = view.getUint32(0, true) === LOCAL_SIG;
  throw new InputError(file, '', zipStart ? 'truncated zip archive (no end-of-central-directory record)' : 'not a zip archive (no end-of-central-directory record)');
}

function readCentral(view: DataView, pos: number, end: number, file: string): CentralEntry {
  if (pos + 46 > end || view.getUint32(pos, true) !== CENTRAL_SIG) {
    throw new InputError(file, 'zip', `bad central directory entry at offset ${pos}`);
  }
  const nameLen = view.getUint16(pos + 28, true);
  if (pos + 46 + nameLen > end) throw new InputError(file, 'zip', `central directory entry at offset ${pos} runs past its end`);
  const nameBytes = new Uint8Array(view.buffer, view.byteOffset + pos + 46, nameLen);
  const e: CentralEntry = {
    name: new TextDecoder().decode(nameBytes),
    flags: view.getUint16(pos + 8, true),
    method: view.getUint16(pos + 10, true),
    crc: view.getUint32(pos + 16, true),
    compressedSize: view.getUint32(pos + 20, true),
    size: view.getUint32(pos + 24, true),
    localOffset: view.getUint32(pos + 42, true),
  };
  if (e.compressedSize === 0xffffffff || e.size === 0xffffffff || e.localOffset === 0xffffffff) {
    throw new InputError(file, `zip member "${e.name}"`, 'zip64 entries are not supported');
  }
  if (e.flags & 1) throw new InputError(file, `zip member "${e.name}"`, 'encrypted entries are not supported');
  return e;
}

function extract(data: Uint8Array, view: DataView, e: CentralEntry, file: string): Uint8Array {
  const where = `zip member "${e.name}"`;
  const p = e.localOffset;
  if (p + 30 > data.length || view.getUint32(p, true) !== LOCAL_SIG) throw new InputError(file, where, `no local header at offset ${p} (truncated?)`);
  // The local extra field can differ from the central one (numpy's zip64 placeholders), so skip by its own length.
  const start = p + 30 + view.getUint16(p + 26, true) + view.getUint16(p + 28, true);
  const end = start + e.compressedSize;
  if (end > data.length) throw new InputError(file, where, `data runs past the end of the file (truncated: needs ${end} bytes, has ${data.length})`);
  const raw = data.subarray(start, end);
  let bytes: Uint8Array;
  if (e.method === 0) bytes = raw;
  else if (e.method === 8) bytes = inflate(raw, file, where);
  else throw new InputError(file, where, `unsupported compression method ${e.method} (only stored and deflated)`);
  if (bytes.length !== e.size) throw new InputError(file, where, `size ${bytes.length} after decompression, directory says ${e.size}`);
  if (crc32(bytes) >>> 0 !== e.crc) throw new InputError(file, where, 'CRC-32 mismatch (corrupted data)');
  // A plain view, not a Buffer, whatever the input was: callers compare and slice it as Uint8Array.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function inflate(raw: Uint8Array, file: string, where: string): Uint8Array {
  try {
    return inflateRawSync(raw);
  } catch (err) {
    throw new InputError(file, where, `cannot inflate deflated data (${(err as Error).message})`);
  }
}
